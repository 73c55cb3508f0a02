/**
 * Opening the database: migrations to the latest version, refusal of a file
 * from a newer Nightshift, WAL, and the alternate native binding the Electron
 * app uses when run from source.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirsPerTest } from '../../../test/support/temp-dir';
import { migrate, openDatabase } from './db';
import { MIGRATIONS } from './migrations';

const tempDir = tempDirsPerTest();
const nodeBinding = join(
  dirname(createRequire(__filename).resolve('better-sqlite3/package.json')),
  'build/Release/better_sqlite3.node',
);

describe('openDatabase', () => {
  it('migrates a new file to the latest version, in WAL mode, and reopening changes nothing', () => {
    const path = join(tempDir(), 'nightshift.db');
    const db = openDatabase(path);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.prepare(`INSERT INTO settings (key, value) VALUES ('k', 'v')`).run();
    db.close();
    const again = openDatabase(path);
    expect(again.prepare(`SELECT value FROM settings WHERE key = 'k'`).get()).toEqual({ value: 'v' });
    again.close();
  });

  it('refuses a database written by a newer Nightshift', () => {
    const db = openDatabase(join(tempDir(), 'nightshift.db'));
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    expect(() => migrate(db)).toThrow(/newer than this Nightshift/);
    db.close();
  });

  it('loads better-sqlite3 from the nativeBinding it is given', () => {
    const db = openDatabase(join(tempDir(), 'a.db'), { nativeBinding: nodeBinding });
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
    const missing = join(tempDir(), 'no-such-binding.node');
    expect(() => openDatabase(join(tempDir(), 'b.db'), { nativeBinding: missing })).toThrow(/no-such-binding/);
  });
});
