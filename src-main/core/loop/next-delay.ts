/**
 * Choosing how long to wait after a tick: the idle step (or, while push is
 * healthy, the slow reconcile interval), jittered, then clamped to the
 * nearest rate-limit resume (never below 1 s).
 */

import type { DelayReason } from '@shared/ticks';
import { clampToResume, idleJitter, type Random } from '../backoff';
import type { TaskSource } from '../sources/port';
import { type LoopContext, openSessions } from './context';

export interface DelayInputs {
  reason: DelayReason;
  idleMs: number;
  /** Reports not yet acknowledged are retried on the idle curve, never the slow reconcile. */
  reportsPending: boolean;
  source: TaskSource;
  jitter: boolean;
  random: Random;
  nearestResumeAt: number | null;
  now: number;
}

export function planNextDelay(inputs: DelayInputs): { delayMs: number; reason: DelayReason } {
  const { source } = inputs;
  let { reason } = inputs;
  let delayMs = inputs.idleMs;
  const push = source.pushHealthy?.() === true && source.reconcileIntervalMs !== undefined;
  if (push && !inputs.reportsPending) {
    delayMs = Math.max(source.reconcileIntervalMs!, delayMs);
    if (reason === 'idle' || reason === 'work') reason = 'push_reconcile';
  }
  if (inputs.jitter) delayMs = idleJitter(delayMs, inputs.random);
  const clamped = clampToResume(delayMs, inputs.nearestResumeAt, inputs.now);
  return clamped.clamped ? { delayMs: clamped.delayMs, reason: 'rate_limit_clamp' } : { delayMs, reason };
}

/** The earliest future moment a rate-limited session (or the runtime) may resume. */
export function nearestResumeAt(ctx: LoopContext): number | null {
  const now = ctx.clock.now();
  const candidates = openSessions(ctx, ['rate_limited']).map((s) => s.resumeAfter);
  candidates.push(ctx.state.runtimePause(ctx.pauseKey)?.pausedUntil ?? null);
  let nearest: number | null = null;
  for (const at of candidates) if (at !== null && at > now && (nearest === null || at < nearest)) nearest = at;
  return nearest;
}
