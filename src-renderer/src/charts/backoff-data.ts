/**
 * Data for the backoff chart: the delay the loop chose at each tick, one
 * series per DelayReason (so points are coloured by why), plus the delay the
 * configured curve (base ×1.5 per idle tick, capped) prescribes at the same
 * tick, drawn as a line for comparison. Pure, so the chart's correctness is
 * tested without a canvas.
 */
import { DELAY_REASONS, type DelayReason, type TickRecord } from '../../../src-main/core/types';

export const IDLE_MULTIPLIER = 1.5;

/** The configured idle curve as successive delays: base, base×1.5, … up to and including the cap. */
export function idleCurve(baseMs: number, capMs: number): number[] {
  const steps = [Math.min(baseMs, capMs)];
  while (steps[steps.length - 1]! < capMs && steps.length < 1000) {
    steps.push(Math.min(steps[steps.length - 1]! * IDLE_MULTIPLIER, capMs));
  }
  return steps;
}

/**
 * What the configured curve says each tick's delay should be: the k-th idle
 * tick in a row waits base×1.5^k (capped); work and wake reset to base. Other
 * reasons (errors, saturation, clamps, push reconcile) follow other rules, so
 * the curve has no value there (null: a gap in the line).
 */
export function expectedDelays(ticks: readonly Pick<TickRecord, 'reason'>[], baseMs: number, capMs: number): (number | null)[] {
  let idleRun = 0;
  return ticks.map((t) => {
    if (t.reason === 'idle') {
      idleRun++;
      return Math.min(baseMs * IDLE_MULTIPLIER ** idleRun, capMs);
    }
    idleRun = 0;
    return t.reason === 'work' || t.reason === 'wake' ? Math.min(baseMs, capMs) : null;
  });
}

export interface BackoffChartData {
  /** Tick times in seconds (uPlot's time unit). */
  x: number[];
  /** Delay in seconds for ticks of that reason, null elsewhere. */
  byReason: Record<DelayReason, (number | null)[]>;
  /** The configured curve's delay in seconds at each tick. */
  expected: (number | null)[];
  /** Points drawn: exactly one per tick in the window. */
  pointCount: number;
}

/** Ticks (oldest first) with `from <= at <= to` become chart columns. */
export function buildBackoffData(
  ticks: readonly TickRecord[],
  from: number,
  to: number,
  baseMs: number,
  capMs: number,
): BackoffChartData {
  const inWindow = ticks.filter((t) => t.at >= from && t.at <= to);
  const byReason = Object.fromEntries(
    DELAY_REASONS.map((r) => [r, new Array<number | null>(inWindow.length).fill(null)]),
  ) as Record<DelayReason, (number | null)[]>;
  const x = new Array<number>(inWindow.length);
  inWindow.forEach((t, i) => {
    x[i] = t.at / 1000;
    byReason[t.reason][i] = t.delayMs / 1000;
  });
  // The curve is computed over the whole history so that an idle run that began before the window keeps its step.
  const expectedAll = expectedDelays(ticks, baseMs, capMs);
  const offset = ticks.indexOf(inWindow[0]!);
  const expected = inWindow.map((_, i) => {
    const ms = expectedAll[offset + i];
    return ms === null || ms === undefined ? null : ms / 1000;
  });
  return { x, byReason, expected, pointCount: inWindow.length };
}

/** Legend text and colour per reason; the colours read on light and dark backgrounds alike. */
export const REASON_STYLES: Record<DelayReason, { label: string; color: string }> = {
  idle: { label: 'idle bump', color: '#3b82f6' },
  work: { label: 'reset by work', color: '#16a34a' },
  saturated: { label: 'pool full', color: '#9333ea' },
  error: { label: 'error backoff', color: '#dc2626' },
  rate_limit_clamp: { label: 'rate-limit clamp', color: '#ea580c' },
  wake: { label: 'wake', color: '#0891b2' },
  push_reconcile: { label: 'push reconcile', color: '#a3a3a3' },
};
