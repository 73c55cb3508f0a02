/**
 * The LISTEN reconnect schedule, with a fake clock and a real refused TCP
 * connection (nothing listens on 127.0.0.1 port 1): delays double from the
 * base, carry jitter, stop at the cap, and stop altogether once unsubscribed.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock, settle } from '../../clock';
import { silentLogger } from '../../log';
import { TaskChannelListener } from './listener';

async function untilTimerPending(clock: FakeClock): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const at = clock.nextTimerAt();
    if (at !== undefined) return at - clock.now();
    await settle(2);
  }
  throw new Error('no reconnect timer was scheduled');
}

describe('TaskChannelListener reconnect backoff', () => {
  it('doubles 100 → 800 ms with jitter, capped, and stops after unsubscribe', async () => {
    const clock = new FakeClock();
    let requests = 0;
    const listener = new TaskChannelListener({
      clientConfig: { host: '127.0.0.1', port: 1, user: 'x', database: 'x', connectionTimeoutMillis: 2_000 },
      channel: 'nightshift:tasks',
      queue: 'default',
      clock,
      logger: silentLogger,
      scope: 'test',
      countRequest: () => requests++,
      reconnectBaseMs: 100,
      reconnectMaxMs: 800,
      keepaliveMs: 60_000,
      random: () => 0.5, // delay = ceiling × 0.75
      prepare: async () => {},
    });
    const calls: number[] = [];
    const stop = listener.subscribe(() => calls.push(clock.now()));

    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const delay = await untilTimerPending(clock);
      delays.push(delay);
      await clock.advance(delay);
    }
    expect(delays).toEqual([75, 150, 300, 600, 600]);
    expect(listener.isHealthy()).toBe(false);
    // Never healthy, so never a "dropped" call, and a refused connect sends no query.
    expect(calls).toEqual([]);
    expect(requests).toBe(0);

    stop();
    await untilTimerPending(clock).catch(() => undefined);
    expect(clock.pendingTimers()).toBe(0);
  });
});
