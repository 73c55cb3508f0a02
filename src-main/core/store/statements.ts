/**
 * better-sqlite3 compiles a statement on every `prepare`; the stores run the
 * same few statements thousands of times a day, so each is compiled once.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db';

export class StatementCache {
  private readonly cache = new Map<string, Statement>();

  constructor(private readonly db: Db) {}

  get(sql: string): Statement {
    let statement = this.cache.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.cache.set(sql, statement);
    }
    return statement;
  }
}
