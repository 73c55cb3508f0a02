/**
 * Storage faults: the database file itself is damaged or cannot be written.
 * These are not "retry next tick" errors: every tick would fail the same way
 * and could make things worse, so the loops stop (supervisor.ts) and a person
 * runs `nightshift doctor`.
 */
import Database from 'better-sqlite3';

/** SQLite result codes (extended codes keep their primary code as prefix) that mean the file is damaged or unwritable. */
const FAULT_CODES = ['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_IOERR', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_FULL'];

export function isStorageFault(err: unknown): boolean {
  if (!(err instanceof Database.SqliteError)) return false;
  return FAULT_CODES.some((code) => err.code === code || err.code.startsWith(`${code}_`));
}

export const DOCTOR_HINT = 'stop Nightshift and run "nightshift doctor" to check and repair it';

/** Thrown at start when the database cannot be written: one line, no stack. */
export class DatabaseReadOnlyError extends Error {
  override readonly name = 'DatabaseReadOnlyError';
  constructor(path: string, cause: string) {
    super(`the database ${path} cannot be written (${cause}); check its permissions and the disk, then start again`);
  }
}

/** Thrown at start when the database is damaged. */
export class DatabaseDamagedError extends Error {
  override readonly name = 'DatabaseDamagedError';
  constructor(path: string, cause: string) {
    super(`the database ${path} is damaged (${cause}); run "nightshift doctor" to repair it`);
  }
}

/**
 * Proves the file can be written now, rather than finding out on every tick:
 * rewriting the schema version is a real write (header page) that changes
 * nothing. SQLite opens a file it may not write read-only without an error.
 */
export function assertWritable(db: Database.Database, path: string): void {
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    db.pragma(`user_version = ${version}`);
  } catch (err) {
    if (err instanceof Database.SqliteError && err.code.startsWith('SQLITE_READONLY')) {
      throw new DatabaseReadOnlyError(path, err.message);
    }
    throw err;
  }
}
