/**
 * Is an agent CLI installed? Resolved on PATH asynchronously (the loop must
 * never block on the file system), then asked for its `--version` with a
 * timeout. "Not logged in" is not detected here: the CLIs only find out when
 * they call their API, so a session fails with the CLI's own message instead.
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { Availability } from '../types';

export const VERSION_TIMEOUT_MS = 10_000;

/** The absolute path of an executable `binary`, or null. A name with a slash is taken as a path. */
export async function resolveOnPath(binary: string, pathVar = process.env.PATH ?? ''): Promise<string | null> {
  const candidates = binary.includes('/')
    ? [isAbsolute(binary) ? binary : resolve(binary)]
    : pathVar
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, binary));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
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
    return { available: false, reason: `${binary} not found on PATH${hint}` };
  }
  if (!options.versionArgs) return { available: true };
  try {
    const version = await readVersion(found, options.versionArgs, options.timeoutMs ?? VERSION_TIMEOUT_MS, pathVar);
    return { available: true, version };
  } catch (err) {
    return { available: false, reason: `${binary} --version failed: ${(err as Error).message}` };
  }
}

function readVersion(path: string, args: readonly string[], timeoutMs: number, pathVar: string): Promise<string> {
  return new Promise((resolveVersion, reject) => {
    execFile(
      path,
      [...args],
      { timeout: timeoutMs, env: { PATH: pathVar, HOME: process.env.HOME ?? '' }, maxBuffer: 64 * 1024 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(firstLine(stderr) || err.message));
        resolveVersion(firstLine(stdout) || firstLine(stderr));
      },
    );
  });
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? '';
}
