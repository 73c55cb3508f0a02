/**
 * The one SQLite file (WAL). Opening it runs the numbered migrations, each in
 * its own transaction, so a crash mid-migration leaves the previous version.
 */
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations';
import { assertWritable, DatabaseDamagedError, DatabaseReadOnlyError } from './storage-fault';

export type Db = Database.Database;

export const DB_FILE_NAME = 'nightshift.db';

export interface OpenOptions {
  /**
   * A better-sqlite3 binary other than node_modules' own: the Electron app run
   * from source uses one built for Electron's ABI (scripts/electron-native.mjs).
   */
  nativeBinding?: string;
}

/**
 * Opens (creating the file, not its directory: callers own that) and
 * migrates. A file that cannot be written or is damaged is refused here, with
 * one line that says what to do, instead of failing on every tick later.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  let db: Db | null = null;
  try {
    db = new Database(path, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
    // The CLI may open the file while the daemon writes: wait, don't fail.
    db.pragma('busy_timeout = 5000');
    // WAL + NORMAL survives a process crash (kill -9) without losing committed
    // transactions; only a power loss can drop the last few, never corrupt.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    assertWritable(db, path);
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof Database.SqliteError) {
      if (err.code.startsWith('SQLITE_READONLY') || err.code.startsWith('SQLITE_CANTOPEN')) {
        throw new DatabaseReadOnlyError(path, err.message);
      }
      if (err.code.startsWith('SQLITE_CORRUPT') || err.code.startsWith('SQLITE_NOTADB')) {
        throw new DatabaseDamagedError(path, err.message);
      }
    }
    throw err;
  }
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `database schema version ${current} is newer than this Nightshift (${MIGRATIONS.length}); upgrade Nightshift`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
