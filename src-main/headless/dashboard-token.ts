/**
 * The dashboard's access token lives as long as the data dir, not one run:
 * `dashboard.token` (0600) beside the control socket, created on the first
 * `run --dashboard`, kept across restarts so an open dashboard reconnects by
 * itself, replaced by `nightshift dashboard --new-token`, which a running
 * instance honours at once (watchDashboardToken).
 */
import { randomBytes } from 'node:crypto';
import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writePrivateFile } from '../core/store/private-file';

export const DASHBOARD_TOKEN_FILE_NAME = 'dashboard.token';
/** base64url of 24 random bytes. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/;

export function dashboardTokenPath(dataDir: string): string {
  return join(dataDir, DASHBOARD_TOKEN_FILE_NAME);
}

/** The stored token; a missing or malformed file gets a fresh one. */
export async function loadOrCreateDashboardToken(dataDir: string): Promise<string> {
  const stored = await readDashboardToken(dataDir);
  return stored ?? writeNewDashboardToken(dataDir);
}

export async function readDashboardToken(dataDir: string): Promise<string | null> {
  try {
    const token = (await readFile(dashboardTokenPath(dataDir), 'utf8')).trim();
    return TOKEN_PATTERN.test(token) ? token : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** A fresh token, written beside then renamed into place (never half a file), 0600 from creation. */
export async function writeNewDashboardToken(dataDir: string): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  await writePrivateFile(dashboardTokenPath(dataDir), `${token}\n`);
  return token;
}

/**
 * Calls `onChange` with the new token whenever `dashboard.token` is replaced
 * (`nightshift dashboard --new-token` renames a new file into place), so a
 * running instance honours it at once. Watches the directory, not the file:
 * a rename swaps the file's inode, which a watch on the file would lose.
 * Returns the function that stops watching.
 */
export function watchDashboardToken(
  dataDir: string,
  current: string,
  onChange: (token: string) => void,
  onError: (err: unknown) => void,
): () => void {
  let known = current;
  let reading: Promise<void> = Promise.resolve();
  const recheck = () => {
    // One read at a time, in order: a burst of events ends on the file's last state.
    reading = reading.then(async () => {
      try {
        const token = await readDashboardToken(dataDir);
        if (token !== null && token !== known) {
          known = token;
          onChange(token);
        }
      } catch (err) {
        onError(err);
      }
    });
  };
  const watcher = watch(dataDir, { persistent: false }, (_event, filename) => {
    // Some platforms give no file name: then any change is worth a look.
    if (filename === null || filename === DASHBOARD_TOKEN_FILE_NAME) recheck();
  });
  watcher.on('error', onError);
  return () => watcher.close();
}
