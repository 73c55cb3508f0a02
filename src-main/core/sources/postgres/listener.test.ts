/**
 * The LISTEN reconnect schedule, with a fake clock and real TCP failures: a
 * refused connection (nothing listens on 127.0.0.1 port 1) is retried at a
 * fixed ~1 s; a connection the server hangs up on doubles from the base,
 * carries jitter, stops at the cap, and stops altogether once unsubscribed.
 */
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { FakeClock, settle } from '../../clock';
import { type Logger, silentLogger } from '../../log';
import { FAST_REFUSED_WINDOW_MS } from '../refused-streak';
import { TaskChannelListener } from './listener';

async function untilTimerPending(clock: FakeClock): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const at = clock.nextTimerAt();
    if (at !== undefined) return at - clock.now();
    await settle(2);
  }
  throw new Error('no reconnect timer was scheduled');
}

/** A server that accepts and hangs up at once: a failure that is not a refused connection. */
async function hangingUpServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((socket) => socket.destroy());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function listenerOn(port: number, clock: FakeClock, onRequest: () => void, logger: Logger = silentLogger): TaskChannelListener {
  return new TaskChannelListener({
    clientConfig: { host: '127.0.0.1', port, user: 'x', database: 'x', connectionTimeoutMillis: 2_000 },
    channel: 'nightshift:tasks',
    queue: 'default',
    clock,
    scope: 'test',
    logger,
    countRequest: onRequest,
    reconnectBaseMs: 100,
    reconnectMaxMs: 800,
    keepaliveMs: 60_000,
    random: () => 0.5, // delay = ceiling × 0.75
    prepare: async () => {},
  });
}

describe('TaskChannelListener reconnect backoff', () => {
  it('a refused connection (server down) is retried at a fixed ~1 s, never longer: back with the server', async () => {
    const clock = new FakeClock();
    const listener = listenerOn(1, clock, () => {});
    const stop = listener.subscribe(() => {});
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const delay = await untilTimerPending(clock);
      delays.push(delay);
      await clock.advance(delay);
    }
    expect(delays).toEqual([750, 750, 750, 750, 750]);
    stop();
  });

  it('a server refusing for longer than the fast window is retried on the growing backoff, with a thinning log', async () => {
    const clock = new FakeClock();
    const lines: string[] = [];
    const listener = listenerOn(1, clock, () => {}, { log: (_level, _scope, message) => lines.push(message) });
    const stop = listener.subscribe(() => {});
    expect(await untilTimerPending(clock)).toBe(750);
    await clock.advance(FAST_REFUSED_WINDOW_MS);
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const delay = await untilTimerPending(clock);
      delays.push(delay);
      await clock.advance(delay);
    }
    const grown = delays.indexOf(75);
    expect(grown).toBeGreaterThanOrEqual(0);
    expect(delays.slice(grown, grown + 5)).toEqual([75, 150, 300, 600, 600]);
    // Hundreds of refusals, a handful of lines: the 1st, 2nd, 4th, 8th… in a row.
    const lost = lines.filter((l) => l.startsWith('LISTEN connection lost'));
    expect(lost.length).toBeGreaterThanOrEqual(3);
    expect(lost.length).toBeLessThanOrEqual(12);
    stop();
  });

  it('other failures double 100 → 800 ms with jitter, capped, and stop after unsubscribe', async () => {
    const clock = new FakeClock();
    let requests = 0;
    const server = await hangingUpServer();
    const listener = new TaskChannelListener({
      clientConfig: { host: '127.0.0.1', port: server.port, user: 'x', database: 'x', connectionTimeoutMillis: 2_000 },
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
    // Never healthy, so never a "dropped" call, and a failed connect sends no query.
    expect(calls).toEqual([]);
    expect(requests).toBe(0);

    stop();
    await untilTimerPending(clock).catch(() => undefined);
    expect(clock.pendingTimers()).toBe(0);
    await server.close();
  });
});
