/**
 * Push after an outage comes back with the server, not a growing backoff
 * later: while the push channel waits out its reconnect delay (grown by the
 * outage's failures: 503s here), the first other request that succeeds (a
 * listing, a claim) reconnects it at once. The channel's timers run on a manual clock
 * the test never advances after the server's return, so only the early
 * reconnect can make push healthy again; a task added then is picked up
 * (wake) within a second of real time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src-main/core/clock';
import { createHttpSource, type HttpTaskSource } from '../../src-main/core/sources/http';
import { startTaskServer, type TaskServer } from '../fixtures/task-server/server';
import { changeRecorder, httpConfig, waitFor } from './helpers';

let server: TaskServer;
let source: HttpTaskSource;
afterEach(async () => {
  await source?.close();
  await server?.close();
});

const channels = [
  { channel: 'sse' as const, mode: 'sse' as const },
  { channel: 'longpoll' as const, mode: 'longpoll' as const },
];

describe('push recovery after an outage', () => {
  it.each(channels)(
    '$channel: a successful request reconnects push at once; pickup within 1 s',
    async ({ channel, mode }) => {
      server = await startTaskServer({ mode, sseRetryMs: 1000 });
      const clock = new FakeClock();
      source = createHttpSource(httpConfig(server.url, { push: [channel] }), { daemon: 'd', clock, random: () => 0.99 });
      const wakes = changeRecorder();
      source.watch(wakes.onChange);
      await waitFor('push healthy', () => source.pushHealthy());

      // The outage: the server answers 503 to everything, so each reconnect fails and the backoff grows.
      // (A refused connection is retried at the base delay instead: test/reliability/push-recovery.test.ts.)
      // Restarted at once so that held streams and polls end; from then on every request answers 503.
      const port = Number(new URL(server.url).port);
      await server.close();
      server = await startTaskServer({ mode, port });
      server.setFaults('*', [{ kind: 'status', status: 503 }]);
      for (let i = 0; i < 5; i++) {
        await waitFor(`push failure ${i + 1}`, () => clock.pendingTimers() > 0);
        const attempts = source.requestCount();
        await clock.runNext();
        await waitFor(`reconnect attempt ${i + 1}`, () => source.requestCount() > attempts);
      }
      await waitFor('the channel waiting out its backoff', () => clock.pendingTimers() > 0);
      const backoffMs = clock.nextTimerAt()! - clock.now();
      expect(backoffMs).toBeGreaterThan(10_000); // what the server's return used to wait for
      expect(source.pushHealthy()).toBe(false);

      // The server is back; the loop's next tick lists tasks successfully.
      server.setFaults('*', []);
      const backAt = Date.now();
      await source.listClaimable();
      await waitFor('push healthy again', () => source.pushHealthy(), 2_000);
      const reconnectedMs = Date.now() - backAt;
      const before = wakes.count;
      const added = Date.now();
      server.addTask({ id: 'after-outage' });
      await waitFor('the new task wakes the loop', () => wakes.count > before, 2_000);
      const pickupMs = wakes.at.at(-1)! - added;

      expect(reconnectedMs).toBeLessThan(2_000);
      expect(pickupMs).toBeLessThanOrEqual(1_000);
    },
    30_000,
  );
});
