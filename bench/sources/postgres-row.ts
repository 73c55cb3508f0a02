/**
 * The PostgreSQL LISTEN row of bench/idle.ts: the real postgres source and
 * DaemonLoop against a throwaway database on the local server, on a
 * {@link SkipAheadClock}. Skipped (with the reason) when no server answers.
 *
 * test/support/postgres.ts cannot be imported here: it imports vitest, which
 * refuses to load outside a test run. This reaches the same server the same
 * way (Debian's unix socket, peer authentication, the caller's role) but never
 * starts one: a bench measures what is there.
 */
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import pg from 'pg';
import { sourceConfigSchema } from '../../src-main/core/config';
import { createPostgresSource, enqueuePostgresTask, type PostgresSourceConfig } from '../../src-main/core/sources/postgres';
import { seededRandom } from '../support/simulated-daemon';
import { benchDaemon, DEFAULT_TUNING, measurePickups, runFor } from './bench-daemon';
import { DAY_MS } from './http-rows';
import { SkipAheadClock } from './skip-ahead-clock';
import type { SourceRow } from './source-row';

const SOCKET_DIR = process.env.NIGHTSHIFT_PG_SOCKET_DIR ?? '/var/run/postgresql';
const USER = process.env.PGUSER ?? userInfo().username;
const ROW_NAME = 'PostgreSQL LISTEN';

function connectionString(database: string): string {
  return `postgresql://${encodeURIComponent(USER)}@/${encodeURIComponent(database)}?host=${encodeURIComponent(SOCKET_DIR)}`;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: connectionString('postgres'), connectionTimeoutMillis: 3_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query(sql);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function measurePostgresRow(options: { arrivals: number }): Promise<SourceRow> {
  const database = `nightshift_bench_${randomBytes(4).toString('hex')}`;
  try {
    await admin(`CREATE DATABASE "${database}"`);
  } catch (err) {
    const reason = `skipped: no PostgreSQL (${(err as Error).message})`;
    return {
      name: ROW_NAME,
      ticksPerDay: Number.NaN,
      requestsPerDay: Number.NaN,
      latencies: [],
      note: `${ROW_NAME}: ${reason}`,
      skipped: reason,
    };
  }
  const config = sourceConfigSchema.parse({
    kind: 'postgres',
    connectionString: connectionString(database),
  }) as PostgresSourceConfig;
  const clock = new SkipAheadClock();
  const source = createPostgresSource(config, { daemon: 'bench', worker: 'bench', clock, random: seededRandom(11) });
  const daemon = benchDaemon('bench', source, DEFAULT_TUNING, clock, seededRandom(7));
  const inserts = new pg.Pool({ connectionString: connectionString(database), max: 1 });
  try {
    await source.ready();
    daemon.loop.start();
    const deadline = Date.now() + 10_000;
    while (!source.pushHealthy()) {
      if (Date.now() > deadline) throw new Error('bench: LISTEN connection did not come up');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await runFor(daemon.loop, clock, 60 * 60 * 1000);
    const before = source.requestCount();
    const ticksBefore = daemon.ticks();
    await runFor(daemon.loop, clock, DAY_MS);
    const requestsPerDay = source.requestCount() - before;
    const ticksPerDay = daemon.ticks() - ticksBefore;
    await inserts.query('SELECT 1'); // connect now, so that no arrival pays for it
    const latencies = await measurePickups(daemon, clock, {
      arrivals: options.arrivals,
      addTask: async (i) => {
        await enqueuePostgresTask(inserts, { title: `arrival ${i}`, prompt: `task ${i}` }, config.schema);
      },
      random: seededRandom(42),
      graceMs: 1_000,
    });
    return {
      name: ROW_NAME,
      ticksPerDay,
      requestsPerDay,
      latencies,
      note:
        `${ROW_NAME}: statements counted by the source (listing, claim, LISTEN) over a simulated day, default config. While LISTEN ` +
        `is up the timer only runs the ${config.reconcileIntervalMs / 1000} s backstop; the LISTEN connection's rare \`SELECT 1\` ` +
        'keepalive is counted too (TCP keepalive does the fast dead-connection detection). ' +
        'Latency: INSERT (its NOTIFY fires on commit) to agent start over the unix socket.',
    };
  } finally {
    await daemon.close();
    clock.dispose();
    await inserts.end();
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => {});
  }
}
