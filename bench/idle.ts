/**
 * Idle cost vs pickup latency, on a simulated clock (a day runs in well under
 * a second): the real DaemonLoop and the real local queue over real SQLite,
 * in three ways of waiting for work:
 *   (a) fixed 10 s polling (the curve flattened: cap = base),
 *   (b) the seed's idle backoff (10 s ×1.5 → 120 s, no jitter),
 *   (c) the local queue with push (in-process wake; the timer only reconciles).
 * Prints ticks/day and source requests/day when idle, and pickup latency
 * (p50/p99/max) over random task arrivals, each with its ratio to (a).
 *
 *   npm run bench:idle            (1000 arrivals)
 *   npm run bench:idle -- --arrivals 200
 */
import { FakeClock } from '../src-main/core/clock';
import type { LoopTuning } from '../src-main/core/loop/daemon-loop';
import { LocalTaskSource } from '../src-main/core/sources/local';
import { LocalTaskQueue } from '../src-main/core/sources/local-queue';
import type { TaskSource } from '../src-main/core/types';
import { percentile, printTable, seededRandom, simulatedDaemon } from './support/simulated-daemon';

const DAY = 24 * 60 * 60 * 1000;
const arrivals = Number(process.argv[process.argv.indexOf('--arrivals') + 1]) || 1000;

interface Mode {
  name: string;
  tuning: LoopTuning;
  push: boolean;
}

const MODES: Mode[] = [
  {
    name: '(a) fixed 10 s poll',
    tuning: { pollIntervalMs: 10_000, maxIdleBackoffMs: 10_000, maxConcurrent: 2, jitter: false },
    push: false,
  },
  {
    name: '(b) seed idle backoff',
    tuning: { pollIntervalMs: 10_000, maxIdleBackoffMs: 120_000, maxConcurrent: 2, jitter: false },
    push: false,
  },
  {
    name: '(c) local queue + push',
    tuning: { pollIntervalMs: 10_000, maxIdleBackoffMs: 120_000, maxConcurrent: 2, jitter: true },
    push: true,
  },
];

/** The local source with its push switched off: what a plain polling source looks like to the loop. */
function pollOnly(source: LocalTaskSource): TaskSource {
  return {
    kind: 'local (poll only)',
    listClaimable: () => source.listClaimable(),
    claim: (id) => source.claim(id),
    get: (id) => source.get(id),
    complete: (id, s) => source.complete(id, s),
    fail: (id, e) => source.fail(id, e),
    release: (id) => source.release(id),
    notes: (id) => source.notes(id),
    requestCount: () => source.requestCount(),
  };
}

interface Result {
  ticksPerDay: number;
  requestsPerDay: number;
  latencies: number[];
}

async function measure(mode: Mode): Promise<Result> {
  let queue!: LocalTaskQueue;
  let source!: LocalTaskSource;
  const clock = new FakeClock();
  const daemon = simulatedDaemon(
    (db) => {
      queue = new LocalTaskQueue(db, () => clock.now());
      source = new LocalTaskSource(queue, { queue: 'default', review: false, worker: 'bench' });
      return mode.push ? source : pollOnly(source);
    },
    mode.tuning,
    { clock, random: seededRandom(7) },
  );

  // 1. A whole idle day, after the first hour (so the curve has settled).
  daemon.loop.start();
  await clock.advance(60 * 60 * 1000);
  const ticksBefore = daemon.ticks.list('bench', 0, 1_000_000).length;
  const requestsBefore = source.requestCount();
  await clock.advance(DAY);
  const ticksPerDay = daemon.ticks.list('bench', 0, 1_000_000).length - ticksBefore;
  const requestsPerDay = source.requestCount() - requestsBefore;

  // 2. Random arrivals, each after 6–16 idle minutes (long enough to reach the
  //    cap) at a random phase of the poll timer.
  const random = seededRandom(42);
  const latencies: number[] = [];
  for (let i = 0; i < arrivals; i++) {
    await clock.advance(6 * 60_000 + random() * 10 * 60_000);
    const seen = daemon.dispatches.length;
    const arrivedAt = clock.now();
    queue.add({ prompt: `task ${i}` });
    while (daemon.dispatches.length === seen) {
      if ((await clock.runNext()) === undefined) throw new Error('the loop stopped scheduling');
    }
    latencies.push(daemon.dispatches[seen]! - arrivedAt);
  }
  await daemon.close();
  return { ticksPerDay, requestsPerDay, latencies: latencies.sort((a, b) => a - b) };
}

async function main(): Promise<void> {
  const started = performance.now();
  const results = new Map<string, Result>();
  for (const mode of MODES) results.set(mode.name, await measure(mode));
  const base = results.get(MODES[0]!.name)!;
  const s = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
  const ratio = (v: number, b: number) => (b === 0 ? '–' : `${(v / b).toFixed(v / b < 0.1 ? 3 : 2)}×`);
  const rows = [...results].map(([name, r]) => {
    const p50 = percentile(r.latencies, 50);
    const p99 = percentile(r.latencies, 99);
    const max = r.latencies.at(-1)!;
    return [
      name,
      r.ticksPerDay,
      r.requestsPerDay,
      ratio(r.requestsPerDay, base.requestsPerDay),
      s(p50),
      s(p99),
      s(max),
      ratio(p99, percentile(base.latencies, 99)),
      Math.round((r.requestsPerDay * p99) / 1000),
      ratio(r.requestsPerDay * p99, base.requestsPerDay * percentile(base.latencies, 99)),
    ];
  });
  printTable(
    `Idle cost and pickup latency (simulated; ${arrivals} arrivals per mode)`,
    ['mode', 'ticks/day', 'requests/day', 'vs (a)', 'p50 s', 'p99 s', 'max s', 'p99 vs (a)', 'req/day × p99 s', 'vs (a)'],
    rows,
  );
  console.log(
    `(simulated ${MODES.length} × ${arrivals} arrivals in ${((performance.now() - started) / 1000).toFixed(1)} s of wall time)`,
  );
}

void main();
