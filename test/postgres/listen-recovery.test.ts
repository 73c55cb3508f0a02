/**
 * LISTEN after an outage comes back with the server: while the listener waits
 * out a reconnect backoff grown by the outage (its timers on a manual clock
 * the test does not advance after the return), the first query that succeeds
 * reconnects it at once, and a new task wakes the watcher within a second.
 * The outage is played by a proxy in front of the real server.
 */
import { userInfo } from 'node:os';
import { afterEach, expect, it } from 'vitest';
import { FakeClock } from '../../src-main/core/clock';
import { createPostgresSource, enqueuePostgresTask, type PostgresTaskSource } from '../../src-main/core/sources/postgres';
import { type PgProxy, startPgProxy } from '../support/pg-proxy';
import { describePg, pgSourceConfig, useTestDatabase } from '../support/postgres';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describePg('LISTEN recovery after an outage', () => {
  const db = useTestDatabase();
  let proxy: PgProxy;
  let source: PostgresTaskSource | undefined;
  afterEach(async () => {
    await source?.close();
    source = undefined;
    await proxy?.close();
  });

  it('a successful query reconnects LISTEN at once; pickup within 1 s', async () => {
    proxy = await startPgProxy();
    const clock = new FakeClock();
    const user = process.env.PGUSER ?? userInfo().username;
    const config = pgSourceConfig(db.current, { connectionString: proxy.url(db.current.name, user) });
    source = createPostgresSource(config, {
      daemon: 'd',
      clock,
      random: () => 0.99,
      reconnectBaseMs: 500,
      reconnectMaxMs: 30_000,
    });
    const s = source;
    const wakes: number[] = [];
    s.watch(() => wakes.push(Date.now()));
    await until('listening', () => s.pushHealthy());

    proxy.setDown(true);
    await until('dropped', () => !s.pushHealthy());
    for (let i = 0; i < 5; i++) {
      await until(`reconnect timer ${i + 1}`, () => clock.pendingTimers() > 0);
      const before = proxy.connections;
      await clock.runNext();
      await until(`attempt ${i + 1}`, () => proxy.connections > before);
    }
    await until('waiting out the backoff', () => clock.pendingTimers() > 0);
    expect(clock.nextTimerAt()! - clock.now()).toBeGreaterThan(5_000);

    proxy.setDown(false);
    const backAt = Date.now();
    await s.listClaimable();
    await until('listening again', () => s.pushHealthy(), 2_000);
    expect(Date.now() - backAt).toBeLessThan(2_000);
    const seen = wakes.length;
    const added = Date.now();
    await enqueuePostgresTask(db.current.connectionString, { queue: 'default', title: 'after', prompt: 'after' });
    await until('wake', () => wakes.length > seen, 2_000);
    expect(wakes.at(-1)! - added).toBeLessThanOrEqual(1_000);
  }, 60_000);
});
