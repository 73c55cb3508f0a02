/**
 * Where the real agent CLIs are for the tests that run them: the folder
 * NIGHTSHIFT_CLI_CACHE names (its node_modules/.bin), else ~/.cache/nightshift-clis,
 * where .ci/run installs them.
 * A test over a real CLI is skipped, with one line saying why, when the
 * binary is absent.
 */
import { existsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

const CACHE = process.env.NIGHTSHIFT_CLI_CACHE ?? join(homedir(), '.cache', 'nightshift-clis');

/** Absolute path of a real CLI binary, or null when it is not installed. */
export function realCli(name: string): string | null {
  const path = join(CACHE, 'node_modules', '.bin', name);
  return existsSync(path) ? path : null;
}

/**
 * Copilot unpacks ~235 MB into $XDG_CACHE_HOME/copilot on first run: one such
 * cache, kept between runs, instead of one per scratch HOME.
 */
export const COPILOT_PACKAGE_CACHE = join(tmpdir(), 'nightshift-copilot-xdg-cache');
