/**
 * A refused login stops every connection of the daemon: the tick, the LISTEN
 * connection's reconnects and the lease renewals. An independent test saw the
 * loop stop while LISTEN retried its login every 15–25 s forever. Here the
 * loop runs over the real source and server (through a counting proxy) on a
 * fake clock: a simulated hour after "unauthorized" brings no new connection;
 * Wake tries once more, then silence again.
 */
import { afterEach, expect, it } from 'vitest';
import { FakeClock } from '../../src-main/core/clock';
import { createPostgresSource, type PostgresTaskSource } from '../../src-main/core/sources/postgres';
import { createHarnessOver, type Harness } from '../support/loop-harness';
import { type PgProxy, startPgProxy } from '../support/pg-proxy';
import { describePg, pgSourceConfig, useTestDatabase } from '../support/postgres';
import { tempDirsPerTest } from '../support/temp-dir';

const tempDir = tempDirsPerTest();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describePg('postgres: unauthorized stops every connection', () => {
  const db = useTestDatabase();
  let proxy: PgProxy;
  let h: Harness<PostgresTaskSource> | undefined;
  afterEach(async () => {
    await h?.loop.stop();
    h?.db.close();
    h = undefined;
    await proxy?.close();
  });

  /** Simulated minutes, each followed by a little real time for any connect a timer started. */
  async function passMinutes(clock: FakeClock, minutes: number): Promise<void> {
    for (let i = 0; i < minutes; i++) {
      await clock.advance(60_000);
      await sleep(20);
    }
  }

  it('no login is retried in the background until Wake, and Wake tries once', async () => {
    proxy = await startPgProxy();
    const clock = new FakeClock();
    const config = pgSourceConfig(db.current, { connectionString: proxy.url(db.current.name, 'nightshift_no_such_role') });
    const source = createPostgresSource(config, { daemon: 'd1', clock, reconnectBaseMs: 500, reconnectMaxMs: 30_000 });
    h = createHarnessOver(tempDir(), source, {}, { clock });
    const harness = h;
    harness.loop.start();
    await clock.runNext();
    await until('unauthorized', () => harness.loop.state === 'unauthorized');
    expect(harness.notices.map((n) => n.kind)).toContain('unauthorized');
    await sleep(200); // a LISTEN attempt already under way may still end

    const afterStop = proxy.connections;
    await passMinutes(clock, 60);
    expect(proxy.connections - afterStop).toBe(0);
    expect(harness.loop.nextTickAt).toBeNull();

    harness.loop.wake();
    await clock.runNext();
    await until('unauthorized again', () => harness.tickEvents.length >= 2 && harness.loop.state === 'unauthorized');
    await sleep(200);
    const afterWake = proxy.connections;
    // One tick's query and one LISTEN attempt, each perhaps retried once by the driver's pool.
    expect(afterWake - afterStop).toBeGreaterThan(0);
    expect(afterWake - afterStop).toBeLessThanOrEqual(4);
    await passMinutes(clock, 60);
    expect(proxy.connections).toBe(afterWake);
  }, 60_000);
});
