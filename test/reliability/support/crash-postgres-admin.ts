/**
 * Throwaway databases for the full crash script, which runs under tsx and so
 * cannot use test/support/postgres.ts (that module imports vitest). It does
 * not start a cluster: when none answers, the script skips PostgreSQL and
 * says why. The vitest short form uses test/support/postgres.ts instead.
 */
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import pg from 'pg';

export interface ThrowawayDatabase {
  name: string;
  connectionString: string;
}

export interface DatabaseAdmin {
  create(): Promise<ThrowawayDatabase>;
  drop(db: ThrowawayDatabase): Promise<void>;
}

const SOCKET_DIR = process.env.NIGHTSHIFT_PG_SOCKET_DIR ?? '/var/run/postgresql';
const USER = process.env.PGUSER ?? userInfo().username;

const connectionStringFor = (database: string) =>
  `postgresql://${encodeURIComponent(USER)}@/${encodeURIComponent(database)}?host=${encodeURIComponent(SOCKET_DIR)}`;

async function asAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: connectionStringFor('postgres'), connectionTimeoutMillis: 3_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** An admin over the local unix socket, or the reason there is none. */
export async function socketDatabaseAdmin(): Promise<DatabaseAdmin | string> {
  try {
    await asAdmin((c) => c.query('SELECT 1'));
  } catch (err) {
    return `no PostgreSQL answers on ${SOCKET_DIR} as "${USER}" (${(err as Error).message}); start it as in docs/postgres.md`;
  }
  return {
    async create() {
      const name = `nightshift_crash_${randomBytes(5).toString('hex')}`;
      await asAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
      return { name, connectionString: connectionStringFor(name) };
    },
    async drop(db) {
      await asAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${db.name}" WITH (FORCE)`));
    },
  };
}
