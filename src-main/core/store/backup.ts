/**
 * Daily online backups of the database (SQLite's backup API through
 * better-sqlite3: consistent while the database is in use), one file per UTC
 * day in `<data dir>/backups`, the newest {@link KEEP_BACKUPS} kept. The day
 * comes from the core's clock, so tests drive it.
 */
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from './db';

export const BACKUP_DIR = 'backups';
export const KEEP_BACKUPS = 3;
const NAME = /^nightshift-(\d{4}-\d{2}-\d{2})\.db$/;

export function backupName(now: number): string {
  return `nightshift-${new Date(now).toISOString().slice(0, 10)}.db`;
}

/** Backup files, newest first (full paths). */
export async function listBackups(dataDir: string): Promise<string[]> {
  const names = await readdir(join(dataDir, BACKUP_DIR)).catch(() => [] as string[]);
  return names
    .filter((n) => NAME.test(n))
    .sort()
    .reverse()
    .map((n) => join(dataDir, BACKUP_DIR, n));
}

/** Writes today's backup unless it exists; prunes to the newest KEEP_BACKUPS. Returns the new file, or null. */
export async function backupIfDue(db: Db, dataDir: string, now: number): Promise<string | null> {
  const dir = join(dataDir, BACKUP_DIR);
  const target = join(dir, backupName(now));
  const existing = await listBackups(dataDir);
  if (existing.includes(target)) return null;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Written under a temporary name and renamed: a crash mid-backup never leaves a half file that looks complete.
  const partial = `${target}.partial`;
  await db.backup(partial);
  await rename(partial, target);
  for (const old of (await listBackups(dataDir)).slice(KEEP_BACKUPS)) await rm(old, { force: true });
  return target;
}
