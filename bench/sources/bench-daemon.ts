/**
 * A real DaemonLoop for the source rows of the benches and the fleet test:
 * real SQLite in a temp dir, the given task source, an agent that finishes at
 * once (pickup, not agent time, is measured), and any Clock. Plus the driver
 * that skips idle time on a {@link SkipAheadClock} only while the loop is
 * waiting on its timer, so that a simulated day keeps real network latency.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src-main/core/clock';
import type { DaemonLoop, LoopTuning } from '../../src-main/core/loop/daemon-loop';
import type { AgentRuntime } from '../../src-main/core/runtimes/port';
import type { TaskSource } from '../../src-main/core/sources/port';
import { openDatabase } from '../../src-main/core/store/db';
import { buildDaemonLoop, instantAgent } from '../../test/support/build-daemon-loop';
import type { SkipAheadClock } from './skip-ahead-clock';

/** The default tuning of a daemon (config.ts): 10 s base, 120 s idle cap, jitter on. */
export const DEFAULT_TUNING: LoopTuning = { pollIntervalMs: 10_000, maxIdleBackoffMs: 120_000, maxConcurrent: 1, jitter: true };

export interface BenchDaemon {
  loop: DaemonLoop;
  source: TaskSource;
  /** Clock time of each agent start, in order. */
  dispatches: number[];
  /** Ticks run so far. */
  ticks(): number;
  close(): Promise<void>;
}

export function benchDaemon(
  name: string,
  source: TaskSource,
  tuning: LoopTuning,
  clock: Clock,
  random: () => number,
  /** The agent; by default one that finishes at once. */
  agent: AgentRuntime = instantAgent,
): BenchDaemon {
  const dir = mkdtempSync(join(tmpdir(), 'nightshift-bench-'));
  const db = openDatabase(join(dir, 'nightshift.db'));
  const dispatches: number[] = [];
  let ticks = 0;
  const runtime: AgentRuntime = {
    ...agent,
    start(spec) {
      dispatches.push(clock.now());
      return agent.start(spec);
    },
  };
  const loop = buildDaemonLoop(db, {
    name,
    tuning,
    source,
    runtime,
    clock,
    random,
    onTick() {
      ticks += 1;
    },
  });
  return {
    loop,
    source,
    dispatches,
    ticks: () => ticks,
    async close() {
      await loop.stop();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** True once every tick has finished and the loop waits on its timer (nothing of it is in flight). */
export function loopIsWaiting(loop: DaemonLoop, clock: Clock): boolean {
  return loop.nextTickAt !== null && loop.nextTickAt > clock.now();
}

/** Resolves when `loops` all wait on their timers; fails after `timeoutMs` of real time. */
export async function untilWaiting(loops: DaemonLoop[], clock: Clock, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!loops.every((loop) => loopIsWaiting(loop, clock))) {
    if (Date.now() > deadline) throw new Error('a daemon loop did not settle: a tick seems stuck');
    await realSleep(1);
  }
}

/** Lets `ms` of virtual time pass, skipping every stretch in which the loop only waits. */
export async function runFor(loop: DaemonLoop, clock: SkipAheadClock, ms: number): Promise<void> {
  const end = clock.now() + ms;
  for (;;) {
    await untilWaiting([loop], clock);
    const next = clock.nextTimerAt();
    if (next === undefined || next >= end) {
      clock.skipTo(end);
      return;
    }
    clock.skipTo(next);
  }
}

export interface PickupOptions {
  arrivals: number;
  /** Adds one claimable task to the source's server. */
  addTask(i: number): Promise<void> | void;
  random: () => number;
  /**
   * Real time to let a push arrive before skipping to the loop's next timer
   * (a poll-only row has nothing in flight, so 0 is exact there).
   */
  graceMs: number;
}

/**
 * Pickup latency over random arrivals: each after 6–16 idle minutes (long
 * enough for the idle backoff to reach its cap), at a random phase of the
 * loop's timer. The latency is clock time from the insert to the agent start:
 * timer waits skipped, everything in flight real.
 */
export async function measurePickups(daemon: BenchDaemon, clock: SkipAheadClock, options: PickupOptions): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < options.arrivals; i++) {
    let arrivedAt: number | undefined;
    let inserted: Promise<void> | undefined;
    const seen = daemon.dispatches.length;
    clock.setTimer(
      () => {
        arrivedAt = clock.now();
        inserted = Promise.resolve(options.addTask(i));
      },
      6 * 60_000 + options.random() * 10 * 60_000,
    );
    while (arrivedAt === undefined) {
      await untilWaiting([daemon.loop], clock);
      if (arrivedAt === undefined) clock.skipTo(clock.nextTimerAt() ?? clock.now());
    }
    await inserted;
    const graceEnd = Date.now() + options.graceMs;
    while (daemon.dispatches.length === seen) {
      if (Date.now() >= graceEnd && loopIsWaiting(daemon.loop, clock)) clock.skipTo(clock.nextTimerAt() ?? clock.now());
      else await realSleep(1);
    }
    latencies.push(daemon.dispatches[seen]! - arrivedAt);
    // Let the run finish (complete report, the follow-up tick) before the next idle stretch.
    await untilWaiting([daemon.loop], clock);
  }
  return latencies.sort((a, b) => a - b);
}
