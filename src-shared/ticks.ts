/** One loop tick as recorded for the charts, and why its delay was chosen. */

/** Why the loop chose the delay it did; the chart colours points by this. */
export const DELAY_REASONS = ['idle', 'work', 'saturated', 'error', 'rate_limit_clamp', 'wake', 'push_reconcile'] as const;
export type DelayReason = (typeof DELAY_REASONS)[number];

export interface TickRecord {
  daemon: string;
  /** Epoch ms when the tick started. */
  at: number;
  /** Delay chosen until the next tick. */
  delayMs: number;
  reason: DelayReason;
  /** Source requests made during this tick. */
  requests: number;
  dispatched: number;
  /** Busy slots after the tick (running agents). */
  active: number;
  /** Rate-limited sessions holding a slot's worth of work. */
  rateLimited: number;
  max: number;
  error: string | null;
  /**
   * Where the idle curve stood at this tick (src-shared/backoff-curve, before
   * push, jitter and clamps): the delay the configured curve prescribed. Null
   * for error ticks (the error backoff decides) and ticks recorded before it was kept.
   */
  curveMs: number | null;
  /** Push channel healthy at this tick; null when the source has no push. */
  push: boolean | null;
}
