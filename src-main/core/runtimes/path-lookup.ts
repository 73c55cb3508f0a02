/**
 * Finding an executable on PATH the way the OS would, asynchronously (the
 * loop must never block on the file system): on Windows PATH splits on `;`,
 * %PATHEXT% is honoured and there is no execute bit.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

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
