/**
 * The part of a tick that works: every phase (phases.ts), then dispatch into
 * the free slots, then the idle curve's move by the shared policy
 * (src-shared/backoff-curve.ts) and the delay until the next tick
 * (next-delay.ts). Errors propagate to the loop's one catch.
 */
import { type CurveMove, curveMove, type TickFindings, tickDelayReason } from '@shared/backoff-curve';
import type { DelayReason } from '@shared/ticks';
import type { IdleBackoff, Random } from '../backoff';
import type { Availability } from '../runtimes/port';
import { type LoopContext, slotsInUse } from './context';
import { dispatch } from './dispatcher';
import { nearestResumeAt, planNextDelay } from './next-delay';
import { runTickPhases } from './phases';

export interface WorkTickInput {
  /** Read after the phases: a pause that came meanwhile keeps this tick from dispatching. */
  isPaused(): boolean;
  byWake: boolean;
  availability: Availability | null;
  /** The daemon's position on the idle curve; moved here. */
  idle: IdleBackoff;
  jitter: boolean;
  random: Random;
}

export interface WorkTickResult {
  dispatched: number;
  /** Why waiting work was not started; undefined when the tick did not look (paused): the last answer stands. */
  blockedReason: string | null | undefined;
  move: CurveMove;
  delayMs: number;
  reason: DelayReason;
}

export async function workTick(ctx: LoopContext, input: WorkTickInput): Promise<WorkTickResult> {
  const { pendingReports, runsChanged } = await runTickPhases(ctx);
  const saturated = slotsInUse(ctx) >= ctx.maxConcurrent();
  const paused = input.isPaused();
  let dispatched = 0;
  let blockedReason: string | null | undefined;
  if (saturated) blockedReason = 'pool full';
  else if (!paused) ({ dispatched, blockedReason } = await dispatch(ctx, input.availability));
  const findings: TickFindings = { saturated, paused, dispatched, runsChanged, byWake: input.byWake };
  const move = curveMove(findings);
  input.idle.apply(move);
  const planned = planNextDelay({
    reason: tickDelayReason(findings),
    idleMs: input.idle.currentMs,
    reportsPending: pendingReports > 0,
    source: ctx.source,
    jitter: input.jitter,
    random: input.random,
    nearestResumeAt: nearestResumeAt(ctx),
    now: ctx.clock.now(),
  });
  return { dispatched, blockedReason, move, ...planned };
}
