/**
 * `nightshift doctor`: checks the database and, when it is damaged, keeps a
 * copy and rebuilds it. The rebuild is the approach of the sqlite3 shell's
 * `.recover`, done with better-sqlite3 alone (no sqlite3 binary needed): a
 * fresh database with the current schema, into which every row that can
 * still be read is copied, table by table, in rowid order; a damaged stretch
 * of a table is skipped by seeking past it. When the file cannot be read at
 * all (its header is gone), the newest daily backup is restored instead.
 */
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { errorMessage } from '../errors';
import { listBackups } from './backup';
import { DB_FILE_NAME, openDatabase } from './db';

export interface TableSalvage {
  table: string;
  copied: number;
  /** Reads that failed (each one a damaged stretch skipped). */
  unreadable: number;
}

export type DoctorResult =
  | { status: 'ok'; path: string }
  | { status: 'missing'; path: string }
  | { status: 'recovered'; path: string; problems: string[]; keptCopy: string; tables: TableSalvage[] }
  | { status: 'restored'; path: string; problems: string[]; keptCopy: string; backup: string }
  | { status: 'failed'; path: string; problems: string[]; keptCopy: string | null; reason: string };

const BATCH = 500;
/** How far a read may seek past a damaged stretch before giving the rest of the table up. */
const MAX_SKIP_ATTEMPTS = 48;

/** `PRAGMA integrity_check` on a read-only connection: [] when the file is sound. */
export function integrityProblems(path: string): string[] {
  let db: Database.Database | null = null;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    const problems = rows.map((r) => r.integrity_check).filter((p) => p !== 'ok');
    return problems;
  } catch (err) {
    return [errorMessage(err)];
  } finally {
    db?.close();
  }
}

/** Checks `<dataDir>/nightshift.db`; repairs it when damaged. The caller holds the data dir's lock. */
export async function doctorDatabase(dataDir: string, now: number): Promise<DoctorResult> {
  const path = join(dataDir, DB_FILE_NAME);
  if (!(await exists(path))) return { status: 'missing', path };
  const problems = integrityProblems(path);
  if (problems.length === 0) return { status: 'ok', path };

  const keptCopy = join(dataDir, `damaged-${new Date(now).toISOString().replace(/[:.]/g, '-')}`);
  await mkdir(keptCopy, { recursive: true, mode: 0o700 });
  for (const suffix of ['', '-wal', '-shm']) {
    if (await exists(path + suffix)) await copyFile(path + suffix, join(keptCopy, DB_FILE_NAME + suffix));
  }

  const fresh = `${path}.rebuilt`;
  await rm(fresh, { force: true });
  let tables: TableSalvage[] | null = null;
  try {
    tables = salvage(path, fresh);
  } catch (err) {
    problems.push(`recovery could not read the file: ${errorMessage(err)}`);
  }
  if (tables && integrityProblems(fresh).length === 0) {
    await replace(path, fresh);
    return { status: 'recovered', path, problems, keptCopy, tables };
  }
  await rm(fresh, { force: true });
  const [backup] = await listBackups(dataDir);
  if (!backup) return { status: 'failed', path, problems, keptCopy, reason: 'nothing could be read and there is no backup' };
  await copyFile(backup, fresh);
  await replace(path, fresh);
  return { status: 'restored', path, problems, keptCopy, backup };
}

/** Copies every readable row of every table the current schema has from `damagedPath` into a new database at `freshPath`. */
function salvage(damagedPath: string, freshPath: string): TableSalvage[] {
  const damaged = new Database(damagedPath, { readonly: true, fileMustExist: true });
  const fresh = openDatabase(freshPath);
  try {
    fresh.pragma('foreign_keys = OFF');
    // Reading sqlite_master fails when the schema page itself is gone: nothing to salvage then.
    damaged.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    const tables = fresh
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as { name: string }[];
    return tables.map(({ name }) => salvageTable(damaged, fresh, name));
  } finally {
    damaged.close();
    fresh.close();
  }
}

function salvageTable(damaged: Database.Database, fresh: Database.Database, table: string): TableSalvage {
  const result: TableSalvage = { table, copied: 0, unreadable: 0 };
  const freshColumns = (fresh.pragma(`table_info(${quote(table)})`) as { name: string }[]).map((c) => c.name);
  let oldColumns: string[];
  try {
    oldColumns = (damaged.pragma(`table_info(${quote(table)})`) as { name: string }[]).map((c) => c.name);
  } catch {
    result.unreadable++;
    return result;
  }
  const columns = freshColumns.filter((c) => oldColumns.includes(c));
  if (columns.length === 0) return result;
  const list = columns.map(quote).join(', ');
  const read = damaged.prepare(
    `SELECT rowid AS __rowid, ${list} FROM ${quote(table)} WHERE rowid > ? ORDER BY rowid LIMIT ${BATCH}`,
  );
  const insert = fresh.prepare(`INSERT OR IGNORE INTO ${quote(table)} (${list}) VALUES (${columns.map(() => '?').join(', ')})`);
  const insertAll = fresh.transaction((rows: Record<string, unknown>[]) => {
    for (const row of rows) result.copied += insert.run(...columns.map((c) => row[c])).changes;
  });
  let after = Number.MIN_SAFE_INTEGER;
  let skip = 1;
  let attempts = 0;
  for (;;) {
    // Row by row, so the rows before a damaged page are kept.
    const rows: Record<string, unknown>[] = [];
    let failed = false;
    try {
      for (const row of read.iterate(after)) rows.push(row as Record<string, unknown>);
    } catch {
      failed = true;
    }
    if (rows.length > 0) {
      insertAll(rows);
      after = Number(rows[rows.length - 1]!.__rowid);
    }
    if (failed) {
      // A damaged page: seek past it, further each time, until reads work again or we give up.
      result.unreadable++;
      if (++attempts > MAX_SKIP_ATTEMPTS) break;
      after = (after === Number.MIN_SAFE_INTEGER ? 0 : after) + skip;
      skip *= 2;
      continue;
    }
    if (rows.length < BATCH) break;
    skip = 1;
  }
  return result;
}

/** Moves the rebuilt file into place; the damaged one's WAL and shared memory go with it (a copy is kept). */
async function replace(path: string, fresh: string): Promise<void> {
  await rm(`${path}-wal`, { force: true });
  await rm(`${path}-shm`, { force: true });
  await rename(fresh, path);
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
