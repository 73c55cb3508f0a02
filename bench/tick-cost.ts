/**
 * Tick cost with 50 daemons × 8 slots: 50 real DaemonLoops over one real
 * SQLite file (stores shared as the Supervisor shares them), each on its own
 * local queue, with a scripted agent so that the pool is as full as the
 * scenario says. Every round asks each daemon to tick once and advances the
 * simulated clock by 1 s; a tick is timed with performance.now() from the
 * moment its timer fires to the moment it is recorded (onTick). With the local
 * source a tick never waits on I/O, so this is its whole CPU cost.
 *
 * Scenarios: empty pool, idle (the baseline) · 4/8 busy, queue empty · 8/8
 * busy with work waiting (saturated) · churn: 8/8 busy and every round one
 * run per daemon ends, so the tick reports it, closes it and starts the next.
 *
 *   npx tsx bench/tick-cost.ts [--rounds 200] [--daemons 50]
 */
import { availableParallelism, loadavg } from 'node:os';
import type { LoopTuning } from '../src-main/core/loop/daemon-loop';
import { numberArg, ratio, reportTarget, type Summary, summarize } from './support/bench-results';
import { createFleet } from './support/fleet';
import { printTable, seededRandom } from './support/simulated-daemon';

const TARGET_MS = 5;
const SLOTS = 8;
const DAEMONS = numberArg('daemons', 50);
const ROUNDS = numberArg('rounds', 200);
const WARMUP_ROUNDS = 20;
/** `--wal-autocheckpoint 0` turns SQLite's in-commit checkpoints off, to see what they cost a tick. */
const WAL_AUTOCHECKPOINT = process.argv.includes('--wal-autocheckpoint') ? numberArg('wal-autocheckpoint', 1000) : undefined;

interface Scenario {
  name: string;
  /** Runs started before measuring (per daemon). */
  busy: number;
  /** Tasks waiting beyond the busy ones (per daemon). */
  waiting: number;
  /** Finish one run per daemon before each round. */
  churn: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: 'empty pool, idle (baseline)', busy: 0, waiting: 0, churn: false },
  { name: '4/8 busy, queue empty', busy: 4, waiting: 0, churn: false },
  { name: '8/8 busy, work waiting (saturated)', busy: SLOTS, waiting: SLOTS, churn: false },
  { name: '8/8 busy, 1 run ends + 1 starts per tick', busy: SLOTS, waiting: ROUNDS + WARMUP_ROUNDS, churn: true },
];

const TUNING: LoopTuning = { pollIntervalMs: 10_000, maxIdleBackoffMs: 120_000, maxConcurrent: SLOTS, jitter: true };

interface Measured {
  /** Wall time: what a tick takes on this machine, including other processes' time slices. */
  ticks: Summary;
  /** This process's CPU time (user + system) during the tick: the tick's own cost. */
  cpu: Summary;
  rounds: Summary;
  sessionsInFile: number;
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function measure(scenario: Scenario): Promise<Measured> {
  const startedAt = new Array<number | null>(DAEMONS).fill(null);
  const cpuAt = new Array<number>(DAEMONS).fill(0);
  let recording = false;
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  let roundTotal = 0;
  const fleet = createFleet({
    ...(WAL_AUTOCHECKPOINT === undefined ? {} : { walAutocheckpoint: WAL_AUTOCHECKPOINT }),
    daemons: DAEMONS,
    tuning: TUNING,
    random: seededRandom(3),
    onTimer: (i) => {
      startedAt[i] = performance.now();
      cpuAt[i] = cpuMs();
    },
    onTick: (i) => {
      const t0 = startedAt[i];
      startedAt[i] = null;
      if (t0 === null || t0 === undefined || !recording) return;
      const ms = performance.now() - t0;
      cpuSamples.push(cpuMs() - cpuAt[i]!);
      samples.push(ms);
      roundTotal += ms;
    },
  });
  try {
    for (const d of fleet.daemons) {
      for (let t = 0; t < scenario.busy + scenario.waiting; t++) {
        fleet.queue.add({ queue: d.queueName, prompt: `task ${t} for ${d.name}\n${'Refactor the module. '.repeat(20)}` });
      }
    }
    for (const d of fleet.daemons) d.loop.start();
    await fleet.clock.advance(1_000);
    for (const d of fleet.daemons) {
      if (d.loop.pool.activeCount !== scenario.busy) {
        throw new Error(`${d.name}: ${d.loop.pool.activeCount} runs busy after start, the scenario needs ${scenario.busy}`);
      }
    }

    const roundTotals: number[] = [];
    for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
      recording = round >= WARMUP_ROUNDS;
      if (scenario.churn) {
        for (const d of fleet.daemons) d.agent.running[0]?.finish({ kind: 'completed', summary: `done in round ${round}` });
      }
      roundTotal = 0;
      for (const d of fleet.daemons) d.loop.requestTick();
      await fleet.clock.advance(1_000);
      if (recording) roundTotals.push(roundTotal);
    }
    for (const d of fleet.daemons) {
      if (d.loop.pool.activeCount !== scenario.busy)
        throw new Error(`${d.name}: the pool drifted to ${d.loop.pool.activeCount} busy`);
    }
    const sessionsInFile = (fleet.db.prepare('SELECT COUNT(*) AS n FROM sessions').get() as { n: number }).n;
    return { ticks: summarize(samples), cpu: summarize(cpuSamples), rounds: summarize(roundTotals), sessionsInFile };
  } finally {
    await fleet.close();
  }
}

/** What the profile showed when this target was missed (see docs/performance.md). */
const TICK_NOTE = 'the cost is in the churn scenario; see the profile notes in docs/performance.md';

async function main(): Promise<void> {
  const results: [Scenario, Measured][] = [];
  for (const scenario of SCENARIOS) results.push([scenario, await measure(scenario)]);
  const base = results[0]![1];
  const ms = (v: number) => v.toFixed(3);
  const checkpoints = WAL_AUTOCHECKPOINT === undefined ? 'default WAL checkpoints' : `wal_autocheckpoint=${WAL_AUTOCHECKPOINT}`;
  printTable(
    `Tick cost, ${DAEMONS} daemons × ${SLOTS} slots on one SQLite file (${ROUNDS} ticks per daemon per scenario; ${checkpoints})`,
    [
      'scenario',
      'ticks',
      'wall p50 ms',
      'wall p99 ms',
      'wall max ms',
      'CPU p50 ms',
      'CPU p99 ms',
      'CPU p99 vs idle',
      `all ${DAEMONS} daemons, wall p50 ms`,
      'sessions in file',
    ],
    results.map(([s, m]) => [
      s.name,
      m.ticks.n,
      ms(m.ticks.p50),
      ms(m.ticks.p99),
      ms(m.ticks.max),
      ms(m.cpu.p50),
      ms(m.cpu.p99),
      ratio(m.cpu.p99, base.cpu.p99),
      ms(m.rounds.p50),
      m.sessionsInFile,
    ]),
  );
  console.log(
    `(load average while measuring: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} on ${availableParallelism()} cores)`,
  );
  // Judged on CPU time: wall time on a shared machine also counts the slices
  // other processes got while a tick was runnable, which is not the tick's cost.
  const [worstScenario, worst] = results.reduce((a, b) => (b[1].cpu.p99 > a[1].cpu.p99 ? b : a));
  const met = worst.cpu.p99 <= TARGET_MS;
  reportTarget({
    name: `tick cost p99, ${DAEMONS} daemons × ${SLOTS} slots (worst scenario)`,
    target: `≤ ${TARGET_MS} ms`,
    measured: `${ms(worst.cpu.p99)} ms CPU, ${ms(worst.ticks.p99)} ms wall (${worstScenario.name}; p50 ${ms(worst.cpu.p50)} ms CPU)`,
    met,
    ...(met ? {} : { note: TICK_NOTE }),
  });
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
