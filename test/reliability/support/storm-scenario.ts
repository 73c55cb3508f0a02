/**
 * A 5xx storm on every endpoint, replayed on a simulated clock against the
 * real source and loop: two tasks are running when it starts; one finishes
 * at the storm's first instant (so its report has to get through the storm),
 * the other runs through it. Returns the figures the harness prints and the
 * test asserts.
 */
import { seededRandom } from '../../../bench/support/simulated-daemon';
import { errorCeilings, errorSchedule, type JitteredExpectation, jitteredTickCounts } from './error-schedule';
import { startHttpDaemon } from './http-daemon';
import { watchForCrashes } from './process-watch';
import { reportsFor } from './server-reports';

export interface StormOptions {
  stormMs: number;
  jitter: boolean;
  seed?: number;
  /** Simulated storms for the jittered expectation (ignored without jitter). */
  expectationRuns?: number;
}

export interface StormFigures {
  jitter: boolean;
  stormMs: number;
  pollIntervalMs: number;
  /** Ticks the daemon ran inside the storm. */
  stormTicks: number;
  /** Requests the server received inside the storm. */
  stormRequests: number;
  /** Requests the tick log attributes to storm ticks (must equal stormRequests). */
  loggedRequests: number;
  /** Without jitter: the exact tick count the error backoff allows. */
  expectedTicks: number | null;
  /** With full jitter: the tick count's distribution over simulated storms. */
  jittered: JitteredExpectation | null;
  /** Every storm delay lay in [floor, un-jittered ceiling] (exactly the ceiling without jitter). */
  delaysWithinBound: boolean;
  storm: { delays: number[]; ceilings: number[] };
  /** Ticks a fixed poll at pollIntervalMs would have made in the same time. */
  fixedPollTicks: number;
  lastErrorDelayMs: number;
  /** From the server healing to the first successful tick. */
  recoveryMs: number;
  /** Report attempts for the task that finished in the storm, and how many the server applied. */
  completeAttempts: number;
  completeApplied: number;
  completeKeys: number;
  failRequests: number;
  /** The task running through the storm: still running when it ended, then reported once. */
  survivorStopped: boolean;
  survivorApplied: number;
  crashes: string[];
}

const POLL_MS = 10_000;

export async function runStorm(options: StormOptions): Promise<StormFigures> {
  const watch = watchForCrashes();
  const random = options.jitter ? seededRandom(options.seed ?? 1) : undefined;
  const d = await startHttpDaemon({
    tuning: { pollIntervalMs: POLL_MS, maxConcurrent: 2, jitter: options.jitter },
    ...(random ? { random } : {}),
  });
  try {
    const finisher = d.server.addTask({ title: 'finishes in the storm' });
    const survivor = d.server.addTask({ title: 'runs through the storm' });
    d.loop.start();
    const first = await d.nextTick();
    if (first.dispatched !== 2) throw new Error(`expected 2 dispatches before the storm, got ${first.dispatched}`);

    // The storm starts 5 s later; the first agent finishes at that instant.
    const stormStart = d.clock.now() + 5_000;
    await d.advanceTo(stormStart);
    d.server.setFaults('*', [{ kind: 'status', status: 503 }]);
    const stormFirstRequest = d.server.requests().length;
    d.runtime.runs[0]!.finish({ kind: 'completed', summary: 'finished during the storm' });
    await d.settle();

    const stormEnd = stormStart + options.stormMs;
    const stormTicks = [];
    while (d.loop.nextTickAt !== null && d.loop.nextTickAt < stormEnd) stormTicks.push(await d.nextTick());
    const stormRequests = d.server.requests().length - stormFirstRequest;

    // Heal at the storm's end (a tick due exactly then sees the healed server).
    if (d.clock.now() < stormEnd && (d.loop.nextTickAt ?? Infinity) > stormEnd) await d.advanceTo(stormEnd);
    const healedAt = Math.max(d.clock.now(), stormEnd);
    d.server.setFaults('*', []);
    const healIndex = d.server.requests().length;
    const survivorStopped = d.runtime.runs[1]!.stoppedWith !== null;
    let recovered = await d.nextTick();
    while (recovered.error !== null) recovered = await d.nextTick();

    // The survivor finishes after the storm; its report must go through once too.
    d.runtime.runs[1]!.finish({ kind: 'completed', summary: 'finished after the storm' });
    await d.settle();
    await d.nextTick();

    const delays = stormTicks.map((t) => t.delayMs);
    const ceilings = errorCeilings(POLL_MS, delays.length);
    const floor = Math.min(POLL_MS, 1_000);
    const delaysWithinBound = options.jitter
      ? delays.every((ms, i) => ms >= Math.min(floor, ceilings[i]!) && ms <= ceilings[i]!)
      : delays.every((ms, i) => ms === ceilings[i]);
    const finished = reportsFor(d.server.requests(), finisher.id, healIndex);
    const surviving = reportsFor(d.server.requests(), survivor.id, healIndex);
    const expected = errorSchedule(POLL_MS, options.stormMs, false);
    return {
      jitter: options.jitter,
      stormMs: options.stormMs,
      pollIntervalMs: POLL_MS,
      stormTicks: stormTicks.length,
      stormRequests,
      loggedRequests: stormTicks.reduce((s, t) => s + t.requests, 0),
      expectedTicks: options.jitter ? null : expected.tickOffsets.length,
      jittered: options.jitter
        ? jitteredTickCounts(POLL_MS, options.stormMs, options.expectationRuns ?? 2_000, seededRandom(7))
        : null,
      delaysWithinBound,
      storm: { delays, ceilings },
      fixedPollTicks: Math.ceil(options.stormMs / POLL_MS),
      lastErrorDelayMs: delays.at(-1) ?? 0,
      recoveryMs: recovered.at - healedAt,
      completeAttempts: finished.attempts,
      completeApplied: finished.applied,
      completeKeys: finished.keys,
      failRequests: finished.failRequests + surviving.failRequests,
      survivorStopped,
      survivorApplied: surviving.applied,
      crashes: [...watch.crashes],
    };
  } finally {
    await d.close();
    watch.dispose();
  }
}
