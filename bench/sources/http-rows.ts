/**
 * The HTTP rows of bench/idle.ts: the real HTTP source and DaemonLoop against
 * the fixture task server in one mode (plain, ETag, long poll, SSE), on a
 * {@link SkipAheadClock}: idle requests over a simulated day, and pickup
 * latency over random arrivals with real loopback round trips.
 */
import { sourceConfigSchema } from '../../src-main/core/config';
import { createHttpSource, type HttpSourceConfig } from '../../src-main/core/sources/http';
import { startTaskServer } from '../../test/fixtures/task-server/server';
import { seededRandom } from '../support/simulated-daemon';
import { benchDaemon, DEFAULT_TUNING, measurePickups, runFor } from './bench-daemon';
import { SkipAheadClock } from './skip-ahead-clock';
import type { SourceRow } from './source-row';

export const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
/** Production long-poll hold (GitHub and GitLab runners use 50 s, under proxies' 60 s idle cut). */
export const LONG_POLL_HOLD_S = 50;

export type HttpMode = 'plain' | 'etag' | 'longpoll' | 'sse';

export interface HttpRowOptions {
  arrivals: number;
  /** Real time over which held long polls are counted (hold scaled to 1 s). */
  longPollWindowMs: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await realSleep(2);
  }
}

function httpConfig(url: string, overrides: Partial<HttpSourceConfig> = {}): HttpSourceConfig {
  return sourceConfigSchema.parse({ kind: 'http', url, ...overrides }) as HttpSourceConfig;
}

function total(counts: Record<string, number>, except: string[] = []): number {
  return Object.entries(counts).reduce((sum, [endpoint, n]) => (except.includes(endpoint) ? sum : sum + n), 0);
}

export async function measureHttpRow(mode: HttpMode, options: HttpRowOptions): Promise<SourceRow> {
  const server = await startTaskServer({ mode, longPollMaxS: mode === 'longpoll' ? LONG_POLL_HOLD_S : 0 });
  const clock = new SkipAheadClock();
  // The fixture's keepalives arrive in real time, so a skipped hour would look
  // like a silent stream: keep the stream's idle check out of the simulated day.
  const source = createHttpSource(httpConfig(server.url), {
    daemon: 'bench',
    clock,
    random: seededRandom(11),
    eventStreamIdleMs: 3 * DAY_MS,
  });
  const daemon = benchDaemon('bench', source, DEFAULT_TUNING, clock, seededRandom(7));
  const push = mode === 'longpoll' || mode === 'sse';
  try {
    daemon.loop.start();
    // Capability discovery is real network work: let it finish before skipping time.
    if (push) await until('push channel healthy', () => source.pushHealthy());
    else await until('discovery to fall back to polling', () => source.pushChannel() === null && server.counts().longpoll > 0);
    await runFor(daemon.loop, clock, HOUR_MS);
    const before = server.counts();
    const ticksBefore = daemon.ticks();
    await runFor(daemon.loop, clock, DAY_MS);
    const after = server.counts();
    const ticksPerDay = daemon.ticks() - ticksBefore;
    // Held long polls last real seconds, not simulated ones: counted apart below.
    const loopRequests = total(after, ['longpoll']) - total(before, ['longpoll']);
    const longPollsPerDay = mode === 'longpoll' ? await longPollsPerDayScaled(options.longPollWindowMs) : 0;

    const latencies = await measurePickups(daemon, clock, {
      arrivals: options.arrivals,
      addTask: (i) => void server.addTask({ title: `arrival ${i}` }),
      random: seededRandom(42),
      graceMs: push ? 1_000 : 0,
    });
    return {
      name: rowName(mode),
      ticksPerDay,
      requestsPerDay: loopRequests + longPollsPerDay,
      latencies,
      note: note(mode, loopRequests),
    };
  } finally {
    await daemon.close();
    clock.dispose();
    await server.close();
  }
}

/**
 * Long polls per idle day at a {@link LONG_POLL_HOLD_S} hold, measured with
 * the hold scaled to 1 s: real polls per real second × (1 s / 50 s) × 86 400.
 */
async function longPollsPerDayScaled(windowMs: number): Promise<number> {
  const server = await startTaskServer({ mode: 'longpoll', longPollMaxS: 1 });
  const source = createHttpSource(httpConfig(server.url, { push: ['longpoll'], longPollWaitS: 1 }), {
    daemon: 'bench-longpoll',
    random: seededRandom(3),
  });
  try {
    const stop = source.watch(() => {});
    await until('long poll discovered', () => source.pushHealthy());
    const before = server.counts().longpoll;
    const started = performance.now();
    await realSleep(windowMs);
    const polls = server.counts().longpoll - before;
    const seconds = (performance.now() - started) / 1000;
    stop();
    return Math.round((polls / seconds) * (1 / LONG_POLL_HOLD_S) * (DAY_MS / 1000));
  } finally {
    await source.close();
    await server.close();
  }
}

function rowName(mode: HttpMode): string {
  return { plain: 'HTTP plain poll', etag: 'HTTP ETag poll', longpoll: 'HTTP long poll', sse: 'HTTP SSE' }[mode];
}

function note(mode: HttpMode, loopRequests: number): string {
  switch (mode) {
    case 'plain':
      return 'HTTP plain: default tuning (10 s → 120 s idle backoff, ±10 % jitter); every tick one GET /api/tasks, simulated day.';
    case 'etag':
      return 'HTTP ETag: as plain, but idle listings answer 304 with an empty body (same count, fewer bytes).';
    case 'longpoll':
      return (
        `HTTP long poll: ${loopRequests} reconcile listings/day (30 min, simulated day) + held polls at a ${LONG_POLL_HOLD_S} s hold, ` +
        'counted over a real window with the hold scaled to 1 s and scaled back by the ratio of holds (86 400 / 50 ≈ 1 728).'
      );
    case 'sse':
      return (
        'HTTP SSE: one /api/events stream + reconcile listing every 30 min (simulated day). The stream stays up all day here; ' +
        'a proxy that cuts it hourly would add 24 reconnects/day. Keepalive comments are bytes on the open stream, not requests.'
      );
  }
}
