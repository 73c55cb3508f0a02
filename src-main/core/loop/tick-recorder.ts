/**
 * One TickRecord per tick, for the charts and the tick log. Requests made
 * between ticks (push channels, lease renewals) are attributed to the next
 * tick, so the per-day totals are complete.
 */
import type { DelayReason, TickRecord } from '@shared/ticks';
import { type LoopContext, slotsInUse } from './context';

export interface TickOutcome {
  at: number;
  delayMs: number;
  reason: DelayReason;
  dispatched: number;
  error: string | null;
  /** Where the idle curve stands after the tick. */
  curveMs: number;
}

export class TickRecorder {
  private requestsSeen: number;

  constructor(private readonly ctx: LoopContext) {
    this.requestsSeen = ctx.source.requestCount();
  }

  build(outcome: TickOutcome): TickRecord {
    const { ctx } = this;
    const seen = ctx.source.requestCount();
    const tick: TickRecord = {
      daemon: ctx.daemon,
      at: outcome.at,
      delayMs: Math.round(outcome.delayMs),
      reason: outcome.reason,
      requests: seen - this.requestsSeen,
      dispatched: outcome.dispatched,
      active: ctx.pool.activeCount,
      rateLimited: slotsInUse(ctx) - ctx.pool.activeCount,
      max: ctx.maxConcurrent(),
      error: outcome.error,
      // The step the idle curve is on after this tick: what the next idle wait was planned from.
      curveMs: outcome.reason === 'error' ? null : outcome.curveMs,
      push: ctx.source.pushHealthy ? ctx.source.pushHealthy() : null,
    };
    this.requestsSeen = seen;
    return tick;
  }
}
