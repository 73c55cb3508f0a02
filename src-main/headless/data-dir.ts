/**
 * Where the headless CLI keeps its state (nightshift.db, logs/, control.sock,
 * nightshift.pid) and how it makes that place private: whoever can write to
 * the data dir or connect to its control socket controls the agents.
 */
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
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

/** Creates the data dir (and parents) and restricts it to its owner. */
export async function ensurePrivateDataDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is masked by umask and ignored when the dir already exists.
  if (process.platform !== 'win32') await chmod(dir, 0o700);
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
