/**
 * A real DaemonLoop over the real HTTP source and the fixture server, with
 * jitter on: a 429 without Retry-After must never bring the next request
 * sooner than the 30 s floor, whatever the jitter draws (an independent test
 * measured 13 s before the fix).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RATE_LIMIT_BACKOFF_FLOOR_MS } from '../../src-main/core/backoff';
import { createHttpSource, type HttpTaskSource } from '../../src-main/core/sources/http';
import { startTaskServer, type TaskServer } from '../fixtures/task-server/server';
import { createHarnessOver, type Harness } from '../support/loop-harness';
import { tempDirsPerTest } from '../support/temp-dir';
import { httpConfig, waitFor } from './helpers';

const tempDir = tempDirsPerTest();
let server: TaskServer;
let h: Harness<HttpTaskSource> | undefined;

afterEach(async () => {
  await h?.loop.stop();
  h?.db.close();
  h = undefined;
  await server?.close();
});

describe('429 without Retry-After through the loop', () => {
  it.each([0, 0.2, 0.5, 0.999])('jitter drawing %f never takes the delay under 30 s', async (draw) => {
    server = await startTaskServer({ mode: 'plain' });
    server.setFaults('list', [{ kind: 'rate_limit', retryAfter: '', times: 3 }]);
    const source = createHttpSource(httpConfig(server.url, { push: [] }), { daemon: 'd1' });
    h = createHarnessOver(tempDir(), source, { jitter: true }, { random: () => draw });
    const harness = h;
    harness.loop.start();
    for (let i = 1; i <= 3; i++) {
      // To the next tick (the lease heartbeat's timer may come first; it sends nothing without leases).
      const at = harness.loop.nextTickAt!;
      await harness.clock.advance(at - harness.clock.now());
      await waitFor(`tick ${i}`, () => harness.tickEvents.length >= i);
    }
    const delays = harness.tickEvents.map((t) => t.delayMs);
    expect(harness.tickEvents.map((t) => t.reason)).toEqual(['error', 'error', 'error']);
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(RATE_LIMIT_BACKOFF_FLOOR_MS);
    // Still jittered above the floor: the second and third 429 wait within [30 s, 60 s].
    for (const delay of delays.slice(1)) expect(delay).toBeLessThanOrEqual(60_000);
    expect(server.counts().list).toBe(3);
  });
});
