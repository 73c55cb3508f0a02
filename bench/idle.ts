/**
 * Idle cost vs pickup latency, on a simulated clock (a day runs in well under
 * a second): the real DaemonLoop and the real local queue over real SQLite,
 * in three ways of waiting for work:
 *   (a) fixed 10 s polling (the curve flattened: cap = base),
 *   (b) the plain idle backoff (10 s ×1.5 → 120 s, no jitter),
 *   (c) the local queue with push (in-process wake; the timer only reconciles).
 * Prints ticks/day and source requests/day when idle, and pickup latency
 * (p50/p99/max) over random task arrivals, each with its ratio to (a).
 *
 * Then the remote sources, each the real source and loop over real sockets
 * (bench/sources/): HTTP plain, ETag, long poll, SSE against the fixture task
 * server, and PostgreSQL LISTEN when a local server answers. Idle time is
 * skipped, network time is real (SkipAheadClock); the notes under the table
 * say how each row was measured.
 *
 * Then the busy rows (bench/sources/busy-rows.ts): requests a day per busy
 * slot, HTTP with every slot busy on a long task, without push and with SSE
 * connected, next to the same source's idle figure. Goal: ≤ the idle figure.
 *
 *   npm run bench:idle                  (1000 simulated / 200 source arrivals, ~2 min)
 *   npm run bench:idle -- --quick       (200 / 30 arrivals, ~20 s)
 *   npm run bench:idle -- --arrivals 500 --source-arrivals 100
 */
import { FakeClock } from '../src-main/core/clock';
import type { LoopTuning } from '../src-main/core/loop/daemon-loop';
import { LocalTaskSource } from '../src-main/core/sources/local';
import { LocalTaskQueue } from '../src-main/core/sources/local-queue';
import { type BusyRow, measureBusyRow } from './sources/busy-rows';
import { measureHttpRow } from './sources/http-rows';
import { measurePostgresRow } from './sources/postgres-row';
import type { SourceRow } from './sources/source-row';
import { reportTarget } from './support/bench-results';
import { percentile, pollOnly, printTable, seededRandom, simulatedDaemon } from './support/simulated-daemon';

const DAY = 24 * 60 * 60 * 1000;
const quick = process.argv.includes('--quick');
function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const value = i < 0 ? Number.NaN : Number(process.argv[i + 1]);
  if (i >= 0 && !(Number.isInteger(value) && value > 0)) throw new Error(`${name} needs a positive integer`);
  return i < 0 ? fallback : value;
}
const arrivals = flag('--arrivals', quick ? 200 : 1000);
const sourceArrivals = flag('--source-arrivals', quick ? 30 : 200);
const longPollWindowMs = quick ? 3_000 : 10_000;
const BUSY_SLOTS = 2;

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

async function measureSourceRows(): Promise<SourceRow[]> {
  const rows: SourceRow[] = [];
  for (const mode of ['plain', 'etag', 'longpoll', 'sse'] as const) {
    rows.push(await measureHttpRow(mode, { arrivals: sourceArrivals, longPollWindowMs }));
  }
  rows.push(await measurePostgresRow({ arrivals: sourceArrivals }));
  return rows;
}

async function main(): Promise<void> {
  const started = performance.now();
  const results = new Map<string, Result>();
  for (const mode of MODES) results.set(mode.name, await measure(mode));
  const simulatedS = (performance.now() - started) / 1000;
  const sourceRows = await measureSourceRows();
  for (const row of sourceRows) {
    results.set(row.name, { ticksPerDay: row.ticksPerDay, requestsPerDay: row.requestsPerDay, latencies: row.latencies });
  }
  const base = results.get(MODES[0]!.name)!;
  const baseP99 = percentile(base.latencies, 99);
  const s = (ms: number) => (ms / 1000).toFixed(ms < 1_000 ? 3 : ms < 10_000 ? 2 : 1);
  // Two significant digits below 0.1, so that push rows do not print as 0.0000×.
  const ratio = (v: number, b: number) =>
    b === 0 ? '–' : `${v / b >= 0.1 || v === 0 ? (v / b).toFixed(2) : (v / b).toPrecision(2)}×`;
  const product = (v: number) => (v >= 100 ? String(Math.round(v)) : v.toPrecision(2));
  const rows = [...results].map(([name, r]) => {
    if (r.latencies.length === 0) return [name, ...Array(9).fill('skipped')];
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
      ratio(p99, baseP99),
      product((r.requestsPerDay * p99) / 1000),
      ratio(r.requestsPerDay * p99, base.requestsPerDay * baseP99),
    ];
  });
  printTable(
    `Idle cost and pickup latency (${arrivals} simulated / ${sourceArrivals} source arrivals per mode)`,
    ['mode', 'ticks/day', 'requests/day', 'vs (a)', 'p50 s', 'p99 s', 'max s', 'p99 vs (a)', 'req/day × p99 s', 'vs (a)'],
    rows,
  );
  const notes = [
    '(a)–(c): the real loop and local queue on a FakeClock (no network; latency is timer phase only).',
    'Source rows: the real source and loop over real sockets on a skip-ahead clock: stretches in which the loop only waits on its ' +
      'timer are skipped, everything in flight runs in real time. Idle: one simulated day after a simulated hour. Latency: a task ' +
      'added 6–16 idle minutes after the last run, at a random phase, to the agent start.',
    ...sourceRows.map((row) => row.note),
  ];
  console.log(notes.map((n) => `- ${n}`).join('\n'));
  console.log(
    `\n(simulated rows ${simulatedS.toFixed(1)} s, source rows ${((performance.now() - started) / 1000 - simulatedS).toFixed(1)} s of wall time)`,
  );
  const busyStarted = performance.now();
  const busy = [await measureBusyRow('plain', BUSY_SLOTS), await measureBusyRow('sse', BUSY_SLOTS)];
  printBusyRows(busy, [results.get('HTTP plain poll')!.requestsPerDay, results.get('HTTP SSE')!.requestsPerDay]);
  console.log(`\n(busy rows ${((performance.now() - busyStarted) / 1000).toFixed(1)} s of wall time)`);
}

/** The busy rows next to the same source's idle figure from the table above, and one target each. */
function printBusyRows(busy: BusyRow[], idle: number[]): void {
  const rows = busy.map((row, i) => {
    const endpoints = Object.entries(row.byEndpoint).map(([endpoint, n]) => `${endpoint} ${n}`);
    const vsIdle = idle[i] === 0 ? '–' : `${(row.requestsPerSlotPerDay / idle[i]!).toFixed(2)}×`;
    return [row.name, idle[i]!, row.requestsPerSlotPerDay, vsIdle, endpoints.join(', ') || 'none'];
  });
  printTable(
    `Busy: requests a day per busy slot (${BUSY_SLOTS} slots busy all day on long tasks), next to the idle figure`,
    ['source', 'idle requests/day', 'busy requests/day per slot', 'vs idle', 'requests of the busy day, all slots'],
    rows,
  );
  console.log(
    [
      '- The real HTTP source and loop against the fixture server (no lease granted, so no heartbeats), a simulated day after a simulated hour, an agent that runs until stopped. No listing while no slot is free.',
      '- Without push each running task is checked (GET /api/tasks/{id}) on the idle curve, 10 s → 120 s, ±10 % jitter, reset by a status change; with SSE connected the server pushes status changes, so there is no check at all (the stream opened before the measured day).',
    ].join('\n'),
  );
  busy.forEach((row, i) => {
    reportTarget({
      name: `busy slot requests/day, ${row.name}`,
      target: `≤ the idle figure (${idle[i]}/day)`,
      measured: `${row.requestsPerSlotPerDay}/day per slot (${BUSY_SLOTS} slots)`,
      met: row.requestsPerSlotPerDay <= idle[i]!,
    });
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
