/**
 * The schema migration against a real PostgreSQL: idempotent, safe when
 * several daemons start at once, and identical to the SQL docs/postgres.md
 * tells teams to apply by hand.
 */
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { expect, it } from 'vitest';
import { migratePostgres, schemaSql } from '../../src-main/core/sources/postgres';
import { describePg, useTestDatabase } from '../support/postgres';

describePg('postgres migration', () => {
  const db = useTestDatabase();

  async function withClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: db.current.connectionString });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  it('applies version 1 once, then nothing', async () => {
    const first = await withClient((c) => migratePostgres(c, 'mig_once'));
    const second = await withClient((c) => migratePostgres(c, 'mig_once'));
    expect(first.applied).toEqual([1]);
    expect(second.applied).toEqual([]);
    const versions = await withClient((c) => c.query('SELECT version FROM mig_once.schema_migrations'));
    expect(versions.rows).toEqual([{ version: 1 }]);
  });

  it('a role without CREATE starts fine on a schema applied by hand (no DDL when up to date)', async () => {
    await withClient((c) => migratePostgres(c, 'mig_applied'));
    const role = `ns_limited_${process.pid}`;
    await withClient(async (c) => {
      await c.query(`DROP ROLE IF EXISTS ${role}`);
      await c.query(`CREATE ROLE ${role} NOLOGIN`);
      await c.query(`REVOKE CREATE ON DATABASE "${c.database}" FROM PUBLIC`);
      await c.query(`GRANT USAGE ON SCHEMA mig_applied TO ${role}`);
      await c.query(`GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA mig_applied TO ${role}`);
    });
    try {
      const result = await withClient(async (c) => {
        await c.query(`SET ROLE ${role}`);
        return migratePostgres(c, 'mig_applied');
      });
      expect(result.applied).toEqual([]);
      // …and the same role really cannot create: the test would prove nothing otherwise.
      await expect(
        withClient(async (c) => {
          await c.query(`SET ROLE ${role}`);
          return migratePostgres(c, 'mig_fresh_schema');
        }),
      ).rejects.toThrow(/permission denied/);
    } finally {
      await withClient(async (c) => {
        await c.query(`REASSIGN OWNED BY ${role} TO CURRENT_USER`);
        await c.query(`DROP OWNED BY ${role}`);
        await c.query(`DROP ROLE ${role}`);
      });
    }
  });

  it('eight connections migrating at once: one applies, none fails', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => withClient((c) => migratePostgres(c, 'mig_race'))));
    expect(results.filter((r) => r.applied.length === 1)).toHaveLength(1);
    expect(results.filter((r) => r.applied.length === 0)).toHaveLength(7);
    const tables = await withClient((c) =>
      c.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'mig_race' ORDER BY 1"),
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(['notes', 'schema_migrations', 'tasks']);
  });

  it('the hand-applied SQL file creates the same schema and the source migration then has nothing to do', async () => {
    await withClient((c) => c.query(schemaSql('mig_manual')));
    await withClient((c) => c.query(schemaSql('mig_manual'))); // applying it twice is harmless too
    const after = await withClient((c) => migratePostgres(c, 'mig_manual'));
    expect(after.applied).toEqual([]);
  });

  it('docs/postgres.md prints exactly schemaSql("nightshift")', async () => {
    const doc = await readFile(new URL('../../docs/postgres.md', import.meta.url), 'utf8');
    const block = /```sql\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(block).toBe(schemaSql('nightshift'));
  });

  it('refuses a schema name that would need quoting', () => {
    expect(() => schemaSql('bad"name')).toThrow(/schema "bad"name" must be letters/);
  });
});
