/**
 * Test support for the PostgreSQL team queue: makes sure a local server runs
 * (starting Debian's cluster and creating our login role when needed) and
 * gives each test file a throwaway database that is dropped afterwards.
 *
 * Idempotent and safe when several test files (separate vitest forks) call it
 * at once: a failed start or role creation is followed by a readiness check
 * rather than trusted, because the other fork may have won the race.
 *
 * PostgreSQL missing is a loud failure (so CI notices); NIGHTSHIFT_SKIP_PG=1
 * skips the PostgreSQL suites with a message instead.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { sourceConfigSchema } from '../../src-main/core/config';
import type { PostgresSourceConfig } from '../../src-main/core/sources/postgres';
import { PG_SOCKET_DIR } from './pg-socket';

const run = promisify(execFile);

export { PG_SOCKET_DIR };

const PG_USER = process.env.PGUSER ?? userInfo().username;

export const skipPostgres = process.env.NIGHTSHIFT_SKIP_PG === '1';

/** `describe`, or `describe.skip` with a visible reason when NIGHTSHIFT_SKIP_PG=1. */
export const describePg = (skipPostgres ? describe.skip : describe) as typeof describe;
if (skipPostgres) console.warn('NIGHTSHIFT_SKIP_PG=1: skipping the PostgreSQL tests');

/** A connection string for `database` over the unix socket (peer authentication, no password). */
export function socketConnectionString(database: string): string {
  return `postgresql://${encodeURIComponent(PG_USER)}@/${encodeURIComponent(database)}?host=${encodeURIComponent(PG_SOCKET_DIR)}`;
}

async function tryConnect(): Promise<{ ok: true } | { ok: false; error: Error & { code?: string } }> {
  const client = new pg.Client({ connectionString: socketConnectionString('postgres'), connectionTimeoutMillis: 3_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error as Error & { code?: string } };
  } finally {
    await client.end().catch(() => {});
  }
}

/** The first cluster Debian knows about, as [version, name]. */
async function findCluster(): Promise<[string, string]> {
  let stdout: string;
  try {
    ({ stdout } = await run('pg_lsclusters', ['--no-header']));
  } catch (error) {
    throw new Error(
      'PostgreSQL is not installed (pg_lsclusters not found). Install it with `apt-get install -y postgresql`, ' +
        `or set NIGHTSHIFT_SKIP_PG=1 to skip these tests. (${(error as Error).message})`,
    );
  }
  const first = stdout.trim().split('\n')[0]?.trim().split(/\s+/);
  if (!first || first.length < 2) throw new Error('pg_lsclusters lists no PostgreSQL cluster; create one with pg_createcluster');
  return [first[0]!, first[1]!];
}

async function startCluster(): Promise<void> {
  const [version, name] = await findCluster();
  try {
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, 'start']);
  } catch {
    // Another test file may have started it a moment ago; readiness is checked below.
  }
  for (let i = 0; i < 50; i++) {
    const probe = await tryConnect();
    if (probe.ok || probe.error.code === '28000') return; // up (maybe without our role yet)
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`PostgreSQL cluster ${version}/${name} did not accept connections on ${PG_SOCKET_DIR}`);
}

async function createRole(): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new Error(`PostgreSQL role "${PG_USER}" is missing; create it: sudo -u postgres createuser --superuser ${PG_USER}`);
  }
  try {
    // runuser takes an argument array: no shell, no quoting of the SQL.
    await run('runuser', ['-u', 'postgres', '--', 'psql', '-c', `CREATE ROLE "${PG_USER}" SUPERUSER LOGIN`]);
  } catch (error) {
    if (!/already exists/.test(String((error as { stderr?: string }).stderr))) throw error;
  }
}

let ensured: Promise<void> | undefined;

/** Resolves once a server accepts our role over the unix socket. */
export function ensurePostgres(): Promise<void> {
  ensured ??= (async () => {
    let probe = await tryConnect();
    if (probe.ok) return;
    if (probe.error.code !== '28000') {
      await startCluster();
      probe = await tryConnect();
      if (probe.ok) return;
    }
    if (probe.error.code === '28000') {
      await createRole();
      probe = await tryConnect();
      if (probe.ok) return;
    }
    throw new Error(`cannot connect to PostgreSQL on ${PG_SOCKET_DIR} as "${PG_USER}": ${probe.error.message}`);
  })();
  return ensured;
}

export interface TestDatabase {
  name: string;
  connectionString: string;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: socketConnectionString('postgres') });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function createTestDatabase(prefix = 'nightshift_test'): Promise<TestDatabase> {
  await ensurePostgres();
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  return { name, connectionString: socketConnectionString(name) };
}

/** WITH (FORCE) ends sessions a failed test left open (PostgreSQL ≥ 13). */
export async function dropTestDatabase(db: TestDatabase): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS "${db.name}" WITH (FORCE)`));
}

/**
 * One database for the calling test file: created in beforeAll, dropped in
 * afterAll. Read `.current` inside tests (it is set once beforeAll ran).
 */
export function useTestDatabase(prefix?: string): { current: TestDatabase } {
  const holder = {} as { current: TestDatabase };
  beforeAll(async () => {
    holder.current = await createTestDatabase(prefix);
  }, 60_000);
  afterAll(async () => {
    if (holder.current) await dropTestDatabase(holder.current);
  });
  return holder;
}

/** A postgres source config for `db`, validated by the real config schema (so tests only use legal values). */
export function pgSourceConfig(
  db: TestDatabase,
  overrides: Partial<Omit<PostgresSourceConfig, 'kind'>> = {},
): PostgresSourceConfig {
  const parsed = sourceConfigSchema.parse({ kind: 'postgres', connectionString: db.connectionString, ...overrides });
  if (parsed.kind !== 'postgres') throw new Error('unreachable');
  return parsed;
}
