/**
 * Is an agent CLI installed? Resolved on PATH asynchronously (the loop must
 * never block on the file system), then asked for its `--version` with a
 * timeout. "Not logged in" is mostly not detected here (the CLIs find out
 * when they call their API); a runtime that can tell offline adds its own
 * check (claude: `auth status`, see cli-runtime.ts).
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { Availability } from '../types';

/** gemini 0.61 needed more than 10 s for `--version` on this loaded 2-core machine. */
export const VERSION_TIMEOUT_MS = 30_000;

/** Windows' default PATHEXT, for an environment that lacks it. */
const DEFAULT_PATHEXT = '.COM;.EXE;.BAT;.CMD';

export interface LookupPlatform {
  platform: NodeJS.Platform;
  /** Windows: the extensions tried after a bare name (%PATHEXT%). */
  pathExt?: string | undefined;
}

/**
 * The names to try for `binary` in one directory: itself on Unix; on Windows
 * also `binary` + each PATHEXT extension (`claude` is `claude.cmd` or
 * `claude.exe` there), unless it already ends with one of them.
 */
export function candidateNames(binary: string, lookup: LookupPlatform): string[] {
  if (lookup.platform !== 'win32') return [binary];
  const exts = (lookup.pathExt || DEFAULT_PATHEXT)
    .split(';')
    .map((e) => e.trim())
    .filter((e) => e.startsWith('.'));
  if (exts.some((e) => binary.toLowerCase().endsWith(e.toLowerCase()))) return [binary];
  return exts.map((e) => binary + e.toLowerCase());
}

/**
 * The absolute path of an executable `binary`, or null. A name with a path
 * separator is taken as a path. On Windows PATH is split on `;`, PATHEXT is
 * honoured and X_OK means "exists" (Windows has no execute bit).
 */
export async function resolveOnPath(
  binary: string,
  pathVar = process.env.PATH ?? '',
  lookup: LookupPlatform = { platform: process.platform, pathExt: process.env.PATHEXT },
): Promise<string | null> {
  const windows = lookup.platform === 'win32';
  const hasSeparator = binary.includes('/') || (windows && binary.includes('\\'));
  const names = candidateNames(binary, lookup);
  const candidates = hasSeparator
    ? names.map((name) => (isAbsolute(name) ? name : resolve(name)))
    : pathVar
        .split(windows ? ';' : delimiter)
        .filter(Boolean)
        .flatMap((dir) => names.map((name) => join(dir, name)));
  for (const candidate of candidates) {
    try {
      await access(candidate, windows ? constants.F_OK : constants.X_OK);
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // not here; try the next PATH entry
    }
  }
  return null;
}

export interface CheckBinaryOptions {
  /** Arguments that print the version; null skips the version call (plain commands). */
  versionArgs: readonly string[] | null;
  /** Shown after "not found on PATH — ". */
  installHint?: string;
  env?: Record<string, string>;
  pathVar?: string;
  timeoutMs?: number;
}

export async function checkBinary(binary: string, options: CheckBinaryOptions): Promise<Availability> {
  const pathVar = options.env?.PATH ?? options.pathVar ?? process.env.PATH ?? '';
  const found = await resolveOnPath(binary, pathVar);
  if (!found) {
    const hint = options.installHint ? ` — ${options.installHint}` : '';
    // A path is not looked up on PATH: say what is wrong with that file.
    if (binary.includes('/')) return { available: false, reason: `${binary}: ${await whyNotExecutable(binary)}` };
    return { available: false, reason: `${binary} not found on PATH${hint}` };
  }
  if (!options.versionArgs) return { available: true };
  try {
    // The runtime's declared HOME (a scratch one in tests): a CLI may write under it even for --version.
    const home = options.env?.HOME ?? process.env.HOME ?? '';
    const version = await readVersion(found, options.versionArgs, options.timeoutMs ?? VERSION_TIMEOUT_MS, pathVar, home);
    return { available: true, version };
  } catch (err) {
    return { available: false, reason: `${binary} --version failed: ${(err as Error).message}` };
  }
}

async function whyNotExecutable(path: string): Promise<string> {
  try {
    const info = await stat(path);
    return info.isFile() ? 'not executable' : 'not a file';
  } catch {
    return 'no such file';
  }
}

function readVersion(path: string, args: readonly string[], timeoutMs: number, pathVar: string, home: string): Promise<string> {
  return new Promise((resolveVersion, reject) => {
    execFile(
      path,
      [...args],
      // SIGKILL: a CLI hung at start-up may ignore SIGTERM.
      { timeout: timeoutMs, killSignal: 'SIGKILL', env: { PATH: pathVar, HOME: home }, maxBuffer: 64 * 1024, windowsHide: true },
      (err, stdout, stderr) => {
        if (err && (err as { killed?: boolean }).killed) {
          return reject(new Error(`timed out after ${Math.round(timeoutMs / 1000)} s`));
        }
        if (err) return reject(new Error(firstLine(stderr) || err.message));
        resolveVersion(firstLine(stdout) || firstLine(stderr));
      },
    );
  });
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? '';
}
