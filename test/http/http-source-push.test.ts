/**
 * Push wake over real loopback sockets: SSE and long poll against the fixture
 * server, the fallback order, health changes that wake the loop, reconnects,
 * and a clean shutdown (no stream or held poll left open on the server).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src-main/core/clock';
import { createHttpSource, type HttpSourceOptions, type HttpTaskSource } from '../../src-main/core/sources/http';
import { startTaskServer, type TaskServer, type TaskServerOptions } from '../fixtures/task-server/server';
import { acceleratedClock, changeRecorder, httpConfig, waitFor } from './helpers';

let server: TaskServer;
let source: HttpTaskSource;

afterEach(async () => {
  await source?.close();
  await server?.close();
});

async function setUp(
  serverOptions: TaskServerOptions,
  config: Parameters<typeof httpConfig>[1] = {},
  options: Partial<HttpSourceOptions> = {},
) {
  server = await startTaskServer(serverOptions);
  source = createHttpSource(httpConfig(server.url, config), { daemon: 'push', random: () => 0.5, ...options });
}

describe('SSE push', () => {
  it('wakes within ~100 ms of addTask and counts one request for the stream', async () => {
    await setUp({ mode: 'sse' });
    const changes = changeRecorder();
    const stop = source.watch(changes.onChange);
    await waitFor('stream connected', () => source.pushHealthy());
    expect(source.pushChannel()).toBe('sse');
    await waitFor('connect wake', () => changes.count === 1);

    const added = Date.now();
    server.addTask();
    await waitFor('task event', () => changes.count === 2, 1_000);
    expect(changes.at[1]! - added).toBeLessThan(100);

    server.setStatus('t1', 'in_progress');
    await waitFor('status event', () => changes.count === 3, 1_000);
    expect(server.counts().events).toBe(1);
    expect(source.requestCount()).toBe(1);
    stop();
  });

  it('when the stream drops: unhealthy + one wake, then reconnects honouring retry: and wakes again', async () => {
    await setUp({ mode: 'sse', sseRetryMs: 200 });
    const changes = changeRecorder();
    source.watch(changes.onChange);
    await waitFor('connected', () => source.pushHealthy() && changes.count === 1);

    const dropped = Date.now();
    server.dropEventStreams();
    await waitFor('drop noticed', () => !source.pushHealthy());
    expect(changes.count).toBe(2);
    await waitFor('reconnected', () => source.pushHealthy(), 3_000);
    // retry: 200 with random 0.5 → 200 + 0.5·200 = 300 ms; never sooner than the server asked.
    expect(Date.now() - dropped).toBeGreaterThanOrEqual(290);
    expect(changes.count).toBe(3);
    expect(server.counts().events).toBe(2);

    server.addTask();
    await waitFor('event on the new stream', () => changes.count === 4, 1_000);
  });

  it('keeps retrying the stream with backoff through 5xx, then recovers', async () => {
    const { clock, delays } = acceleratedClock(100);
    await setUp({ mode: 'sse' }, {}, { clock, eventStreamIdleMs: 1e9 });
    server.setFaults('events', [{ kind: 'status', status: 503, times: 2 }]);
    source.watch(() => {});
    await waitFor('connected after two failures', () => source.pushHealthy());
    expect(server.counts().events).toBe(3);
    expect(server.counts().longpoll).toBe(0);
    // base 1 s (no retry: seen yet) + 0.5 × a window doubling per failure.
    expect(delays.filter((ms) => ms !== 1e9)).toEqual([1_500, 2_000]);
  });

  it('treats a stream with no data or keepalive past the idle limit as dropped', async () => {
    await setUp({ mode: 'sse', sseKeepaliveMs: 60_000, sseRetryMs: 20 }, {}, { eventStreamIdleMs: 150 });
    const changes = changeRecorder();
    source.watch(changes.onChange);
    await waitFor('connected', () => source.pushHealthy());
    await waitFor('idle drop and reconnect', () => server.counts().events >= 2, 3_000);
  });

  it('stops push on 401 and does not retry', async () => {
    await setUp({ mode: 'sse', token: 'right' }, { token: 'wrong' });
    source.watch(() => {});
    await waitFor('gave up', () => source.pushChannel() === null);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.counts().events).toBe(1);
    expect(server.counts().longpoll).toBe(0);
    expect(source.pushHealthy()).toBe(false);
  });

  it('unsubscribe closes the stream on the server', async () => {
    await setUp({ mode: 'sse' });
    const stop = source.watch(() => {});
    await waitFor('connected', () => server.openChannels().eventStreams === 1);
    stop();
    expect(source.pushHealthy()).toBe(false);
    await waitFor('stream closed', () => server.openChannels().eventStreams === 0);
  });
});

describe('long-poll push', () => {
  it('discovers long poll when there is no event stream, and returns early on addTask', async () => {
    await setUp({ mode: 'longpoll', longPollMaxS: 5 }, { longPollWaitS: 30 });
    const changes = changeRecorder();
    source.watch(changes.onChange);
    await waitFor('discovered', () => source.pushHealthy(), 3_000);
    expect(source.pushChannel()).toBe('longpoll');
    await waitFor('long poll held', () => server.openChannels().heldPolls === 1);
    expect(server.counts()).toMatchObject({ events: 1, longpoll: 2 });
    // Discovery holds 1 s; then asked for 30 s, the server grants 5: the cap comes from X-Long-Poll.
    expect(server.requests().map((r) => r.path)).toEqual([
      '/api/events',
      '/api/tasks?status=todo&wait=1',
      '/api/tasks?status=todo&wait=5',
    ]);
    expect(changes.count).toBe(1);

    const added = Date.now();
    server.addTask();
    await waitFor('wake from the held poll', () => changes.count === 2, 2_000);
    // Pickup by the held poll, far under its 5 s hold.
    expect(changes.at[1]! - added).toBeLessThan(500);
  });

  it('does not spin while the same tasks stay claimable', async () => {
    await setUp({ mode: 'longpoll', longPollMaxS: 5 }, { push: ['longpoll'] });
    server.addTask();
    const changes = changeRecorder();
    source.watch(changes.onChange);
    await new Promise((resolve) => setTimeout(resolve, 600));
    // Poll 1 sees the task (healthy + wake), poll 2 sees the same one and pauses ≥ 1 s.
    expect(server.counts().longpoll).toBe(2);
    expect(changes.count).toBe(2);
  });

  it('backs off on errors, marks push unhealthy with one wake, then recovers', async () => {
    const { clock, delays } = acceleratedClock(100);
    await setUp({ mode: 'longpoll' }, { push: ['longpoll'] }, { clock });
    server.setFaults('longpoll', [
      { kind: 'status', status: 500, times: 2 },
      { kind: 'reset', times: 1 },
    ]);
    const changes = changeRecorder();
    source.watch(changes.onChange);
    await waitFor('healthy after three failures', () => source.pushHealthy());
    // Three failures, the discovery poll that worked, and (maybe already) the next held poll.
    expect(server.counts().longpoll).toBeGreaterThanOrEqual(4);
    expect(delays).toEqual([1_500, 2_000, 3_000]);
    // Never healthy before, so the only wake is the one on becoming healthy.
    expect(changes.count).toBe(1);

    server.setFaults('longpoll', [{ kind: 'rate_limit', retryAfter: '7', times: 1 }]);
    server.addTask();
    await waitFor('unhealthy after the 429', () => !source.pushHealthy());
    expect(changes.count).toBeGreaterThanOrEqual(2);
    await waitFor('healthy again', () => source.pushHealthy());
    // The 429's Retry-After is honoured exactly instead of the jittered backoff.
    expect(delays).toContain(7_000);
  });

  it('unsubscribe abandons the held poll', async () => {
    await setUp({ mode: 'longpoll' }, { push: ['longpoll'] });
    const stop = source.watch(() => {});
    await waitFor('held', () => server.openChannels().heldPolls === 1);
    stop();
    await source.close();
    await waitFor('released', () => server.openChannels().heldPolls === 0);
  });
});

describe('no push', () => {
  it('a plain server: one failed discovery per channel, then polling only', async () => {
    await setUp({ mode: 'plain' });
    const changes = changeRecorder();
    source.watch(changes.onChange);
    await waitFor('discovery finished', () => server.counts().longpoll === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(source.pushHealthy()).toBe(false);
    expect(source.pushChannel()).toBeNull();
    expect(server.counts()).toMatchObject({ events: 1, longpoll: 1 });
    expect(source.requestCount()).toBe(2);
    expect(changes.count).toBe(0);
  });

  it('follows config.push order: longpoll first skips a server stream', async () => {
    await setUp({ mode: 'all', longPollMaxS: 1 }, { push: ['longpoll', 'sse'] });
    source.watch(() => {});
    await waitFor('healthy', () => source.pushHealthy());
    expect(source.pushChannel()).toBe('longpoll');
    expect(server.counts().events).toBe(0);
  });

  it('push: [] never opens a channel', async () => {
    await setUp({ mode: 'all' }, { push: [] });
    source.watch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(source.requestCount()).toBe(0);
    expect(source.reconcileIntervalMs).toBe(1_800_000);
  });
});

describe('reconnect timers run on the injected clock', () => {
  it('a manual clock holds the reconnect until the test advances it', async () => {
    const timers: { at: number; fn: () => void }[] = [];
    let now = 0;
    const clock: Clock = {
      now: () => now,
      setTimer(fn, ms) {
        const timer = { at: now + ms, fn };
        timers.push(timer);
        return () => timers.splice(timers.indexOf(timer), 1);
      },
    };
    await setUp({ mode: 'sse', sseRetryMs: 10_000 }, {}, { clock, eventStreamIdleMs: 1e9 });
    source.watch(() => {});
    await waitFor('connected', () => source.pushHealthy());
    server.dropEventStreams();
    await waitFor('dropped', () => !source.pushHealthy());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.counts().events).toBe(1);
    const reconnect = timers.filter((t) => t.at === 15_000);
    expect(reconnect).toHaveLength(1);
    now = 15_000;
    reconnect[0]!.fn();
    await waitFor('reconnected', () => source.pushHealthy());
    expect(server.counts().events).toBe(2);
  });
});
