/**
 * The dashboard's access token lives as long as the data dir, not one run:
 * `dashboard.token` (0600) beside the control socket, created on the first
 * `run --dashboard`, kept across restarts so an open dashboard reconnects by
 * itself, replaced by `nightshift dashboard --new-token`.
 */
import { randomBytes } from 'node:crypto';
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

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
  const path = dashboardTokenPath(dataDir);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${token}\n`, { mode: 0o600 });
  if (process.platform !== 'win32') await chmod(tmp, 0o600);
  await rename(tmp, path);
  return token;
}
