/**
 * A fleet of daemons against one task server through an outage: N real
 * DaemonLoops, each with its own real HTTP source and SQLite file, poll one
 * fixture server over loopback. They start together (a deploy, or laptops
 * whose shared network came back), idle for a while, then the server answers
 * 503 to everything for a few simulated minutes and heals. Requests are
 * bucketed per simulated second, so the peak shows whether the retries come
 * in lockstep (no jitter) or spread out (full jitter on the error backoff,
 * ±10 % on idle delays).
 *
 * Time is a FakeClock: every request a timer starts is attributed to the
 * instant the timer fired, and the next timer fires only once every loop has
 * finished its tick (real sockets, real SQLite).
 */
import { FakeClock } from '../../src-main/core/clock';
import { sourceConfigSchema } from '../../src-main/core/config';
import { createHttpSource, type HttpSourceConfig } from '../../src-main/core/sources/http';
import { startTaskServer } from '../../test/fixtures/task-server/server';
import { seededRandom } from '../support/simulated-daemon';
import { type BenchDaemon, benchDaemon, DEFAULT_TUNING, untilWaiting } from './bench-daemon';

export interface FleetOptions {
  daemons: number;
  jitter: boolean;
  seed: number;
  /** Idle time before the outage starts. */
  idleBeforeMs: number;
  outageMs: number;
  /** Time measured after the server healed. */
  afterMs: number;
}

export interface FleetResult {
  /** Most requests the server saw in one simulated second, from the outage start on. */
  peakPerSecond: number;
  /** Requests per simulated second from the outage start, as [second offset, count], non-empty seconds only. */
  perSecond: [number, number][];
  requestsDuringOutage: number;
  requestsAfterHeal: number;
  /** Simulated ms from the heal until every daemon had a successful tick; null if some never did. */
  recoveryMs: number | null;
}

export const FLEET_DEFAULTS: Omit<FleetOptions, 'jitter'> = {
  daemons: 20,
  seed: 1,
  idleBeforeMs: 10 * 60_000,
  outageMs: 5 * 60_000,
  afterMs: 5 * 60_000,
};

export async function runFleet(options: FleetOptions): Promise<FleetResult> {
  const server = await startTaskServer({ mode: 'plain' });
  const clock = new FakeClock();
  // Push off: the fleet polls, so every request is the loop's and the timers decide when it comes.
  const config = sourceConfigSchema.parse({ kind: 'http', url: server.url, push: [] }) as HttpSourceConfig;
  const tuning = { ...DEFAULT_TUNING, jitter: options.jitter };
  const fleet: BenchDaemon[] = [];
  for (let i = 0; i < options.daemons; i++) {
    const random = seededRandom(options.seed * 1_000 + i);
    const source = createHttpSource(config, { daemon: `d${i}`, clock, random });
    fleet.push(benchDaemon(`d${i}`, source, tuning, clock, random));
  }
  const loops = fleet.map((d) => d.loop);
  const totalRequests = () => Object.values(server.counts()).reduce((a, b) => a + b, 0);

  const outageAt = clock.now() + options.idleBeforeMs;
  const healAt = outageAt + options.outageMs;
  const endAt = healAt + options.afterMs;
  clock.setTimer(() => server.setFaults('*', [{ kind: 'status', status: 503 }]), options.idleBeforeMs);
  clock.setTimer(() => server.setFaults('*', []), options.idleBeforeMs + options.outageMs);

  const buckets = new Map<number, number>();
  let duringOutage = 0;
  let afterHeal = 0;
  let recoveredAt: number | null = null;
  try {
    for (const loop of loops) loop.start();
    let seen = totalRequests();
    while (clock.now() < endAt) {
      const at = await clock.runNext();
      if (at === undefined) throw new Error('fleet: no daemon has a timer pending');
      await untilWaiting(loops, clock);
      const now = totalRequests();
      const delta = now - seen;
      seen = now;
      if (at >= outageAt) {
        const second = Math.floor((at - outageAt) / 1000);
        buckets.set(second, (buckets.get(second) ?? 0) + delta);
        if (at < healAt) duringOutage += delta;
        else afterHeal += delta;
      }
      if (recoveredAt === null && at >= healAt && loops.every((l) => l.lastError === null)) recoveredAt = at;
    }
  } finally {
    await Promise.all(fleet.map((d) => d.close()));
    await server.close();
  }
  const perSecond = [...buckets].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  return {
    peakPerSecond: Math.max(0, ...perSecond.map(([, n]) => n)),
    perSecond,
    requestsDuringOutage: duringOutage,
    requestsAfterHeal: afterHeal,
    recoveryMs: recoveredAt === null ? null : recoveredAt - healAt,
  };
}
