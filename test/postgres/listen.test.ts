/**
 * Push wake through LISTEN/NOTIFY against a real PostgreSQL: an insert wakes a
 * watcher within ~100 ms, other queues don't, and a killed listener
 * connection (pg_terminate_backend) is noticed, reported and re-established.
 */
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { createPostgresSource, enqueuePostgresTask, type PostgresTaskSource } from '../../src-main/core/sources/postgres';
import { describePg, pgSourceConfig, useTestDatabase } from '../support/postgres';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describePg('postgres LISTEN/NOTIFY', () => {
  const db = useTestDatabase();
  const open: PostgresTaskSource[] = [];
  const unsubscribers: (() => void)[] = [];
  afterEach(async () => {
    for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
    await Promise.all(open.splice(0).map((s) => s.close?.()));
  });

  function source(queue: string): PostgresTaskSource {
    const s = createPostgresSource(pgSourceConfig(db.current, { queue }), {
      daemon: 'd',
      worker: `w-${queue}`,
      reconnectBaseMs: 50,
      reconnectMaxMs: 200,
    });
    open.push(s);
    return s;
  }

  function watch(s: PostgresTaskSource): { at: number[] } {
    const calls = { at: [] as number[] };
    unsubscribers.push(s.watch!(() => calls.at.push(performance.now())));
    return calls;
  }

  it('an insert wakes the watcher within 100 ms; another queue does not wake it', async () => {
    const s = source('wake');
    const calls = watch(s);
    await waitFor(() => s.pushHealthy!());
    await waitFor(() => calls.at.length === 1); // the "now healthy" call
    calls.at.length = 0;

    await enqueuePostgresTask(db.current.connectionString, { queue: 'elsewhere', title: 'x', prompt: 'x' });
    await sleep(150);
    expect(calls.at).toEqual([]);

    const before = performance.now();
    await enqueuePostgresTask(db.current.connectionString, { queue: 'wake', title: 'y', prompt: 'y' });
    await waitFor(() => calls.at.length > 0, 1_000);
    expect(calls.at[0]! - before).toBeLessThan(100);
    expect(s.reconcileIntervalMs).toBe(1_800_000);
  });

  it('a status change (another daemon claiming) wakes the watcher too', async () => {
    const watcher = source('status');
    const claimer = source('status');
    const { id } = await enqueuePostgresTask(db.current.connectionString, { queue: 'status', title: 'x', prompt: 'x' });
    const calls = watch(watcher);
    await waitFor(() => watcher.pushHealthy!() && calls.at.length === 1);
    expect((await claimer.claim(id)).ok).toBe(true);
    await waitFor(() => calls.at.length === 2, 1_000);
  });

  it('after pg_terminate_backend of the listener: unhealthy + one call, then reconnected + one call, and wakes again', async () => {
    const s = source('reconnect');
    const calls = watch(s);
    await waitFor(() => s.pushHealthy!() && calls.at.length === 1);
    const requestsBefore = s.requestCount();

    const admin = new pg.Client({ connectionString: db.current.connectionString });
    await admin.connect();
    try {
      const killed = await admin.query(
        "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'nightshift-listen' AND datname = current_database()",
      );
      expect(killed.rows).toEqual([{ ok: true }]);
    } finally {
      await admin.end();
    }

    await waitFor(() => !s.pushHealthy!(), 2_000);
    await waitFor(() => calls.at.length === 2, 2_000); // the drop
    await waitFor(() => s.pushHealthy!(), 3_000);
    await waitFor(() => calls.at.length === 3, 1_000); // the reconnect (catch up on missed notifications)
    expect(s.requestCount()).toBe(requestsBefore + 1); // the new LISTEN; pings are not counted

    await enqueuePostgresTask(db.current.connectionString, { queue: 'reconnect', title: 'after', prompt: 'p' });
    await waitFor(() => calls.at.length === 4, 1_000);
  });

  it('unsubscribing the last watcher closes the LISTEN connection', async () => {
    const s = source('unsub');
    const stop = s.watch!(() => {});
    await waitFor(() => s.pushHealthy!());
    stop();
    expect(s.pushHealthy!()).toBe(false);
  });
});
