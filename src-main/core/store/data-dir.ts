/**
 * Where the headless CLI keeps its state (nightshift.db, logs/, control.sock,
 * nightshift.pid) and how it makes that place private: whoever can write to
 * the data dir or connect to its control socket controls the agents.
 */
import { chmod, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve, win32 } from 'node:path';

export const PID_FILE_NAME = 'nightshift.pid';

export interface DataDirEnv {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  home: string;
}

/**
 * `$NIGHTSHIFT_HOME`, else the platform's per-user app data dir. Pure (all
 * inputs are parameters) so every platform's rule is unit-tested on Linux.
 */
export function defaultDataDir({ env, platform, home }: DataDirEnv): string {
  if (env.NIGHTSHIFT_HOME) return env.NIGHTSHIFT_HOME;
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Nightshift');
    case 'win32':
      return win32.join(env.APPDATA || win32.join(home, 'AppData', 'Roaming'), 'Nightshift');
    default:
      // XDG says a relative XDG_DATA_HOME is invalid and must be ignored.
      if (env.XDG_DATA_HOME?.startsWith('/')) return join(env.XDG_DATA_HOME, 'nightshift');
      return join(home, '.local', 'share', 'nightshift');
  }
}

/** `--data-dir` when given, else the default for this process's platform and environment. */
export function resolveDataDir(option: string | undefined): string {
  if (option) return resolve(option);
  return resolve(defaultDataDir({ env: process.env, platform: process.platform, home: homedir() }));
}

/**
 * Creates the data dir (and parents) private to its owner, or checks an
 * existing one. An existing directory's mode is never changed (`--data-dir .`
 * must not chmod a project folder); one that another user can write to is
 * refused, because whoever writes there controls the agents.
 */
export async function ensurePrivateDataDir(dir: string): Promise<void> {
  const existing = await stat(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw new DataDirError(`cannot use data dir ${dir}: ${err.message}`);
  });
  if (existing) {
    assertPrivate(dir, existing);
    return;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is masked by umask; this dir is new and ours, so set it exactly.
  if (process.platform !== 'win32') await chmod(dir, 0o700);
}

/** A data dir that cannot be used; its message is the one line the CLI prints. */
export class DataDirError extends Error {
  override readonly name = 'DataDirError';
}

function assertPrivate(dir: string, info: { mode: number; uid: number; isDirectory(): boolean }): void {
  if (!info.isDirectory()) throw new DataDirError(`data dir ${dir} is not a directory`);
  if (process.platform === 'win32') return; // ACLs, not mode bits: the profile folder is already private
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw new DataDirError(`data dir ${dir} belongs to another user (uid ${info.uid}); use a directory of your own`);
  }
  const mode = info.mode & 0o777;
  if (mode & 0o022) {
    throw new DataDirError(
      `data dir ${dir} can be written by others (mode ${mode.toString(8).padStart(4, '0')}); run "chmod go-w ${dir}" or use another --data-dir`,
    );
  }
}

/** The pid file is for humans (`cat nightshift.pid`); the control socket is the actual lock. */
export async function writePidFile(dir: string, pid = process.pid): Promise<string> {
  const path = join(dir, PID_FILE_NAME);
  await writeFile(path, `${pid}\n`, { mode: 0o600 });
  return path;
}

export async function removePidFile(dir: string): Promise<void> {
  await rm(join(dir, PID_FILE_NAME), { force: true });
}
