/**
 * Data for the backoff chart: the delay the loop chose at each tick, one
 * series per DelayReason (so points are coloured by why), against the idle
 * curve. The curve is never recomputed here: each tick carries the value the
 * loop took from the shared curve (src-shared/backoff-curve.ts), and the
 * push view's "what if polling" line comes from that same module, with its
 * rules for which ticks reset the curve. Pure, so the chart's correctness is
 * tested without a canvas.
 */

import { curveMove, idlePollSchedule, recordedFindings } from '@shared/backoff-curve';
import { DELAY_REASONS, type DelayReason, type TickRecord } from '@shared/ticks';

export interface BackoffChartData {
  /** Column times in seconds (uPlot's time unit): every tick in the window, then the what-if points and now. */
  x: number[];
  /** Delay in seconds for ticks of that reason, null elsewhere. */
  byReason: Record<DelayReason, (number | null)[]>;
  /** The idle curve's delay the loop was on at each tick, in seconds. */
  curve: (number | null)[];
  /** From the last tick to now: the delay being waited, so idle time up to now is drawn. */
  waiting: (number | null)[];
  /** Push view only: what a polling-only daemon would wait at each of its ticks (seconds). */
  whatIf: (number | null)[];
  /** Push view only: 1 while push was healthy, 0 while it was down, from each tick on. */
  push: (number | null)[];
  /** Points drawn: exactly one per tick in the window. */
  pointCount: number;
}

export interface PushSummary {
  /** Share of the covered time push was healthy, 0–100 whole percent; null when no tick says. */
  uptimePercent: number | null;
  /** Push came back after being down. */
  reconnects: number;
  /** Ticks of the slow timer that run while push is healthy. */
  reconcileTicks: number;
  /** Requests the ticks in the window made. */
  requests: number;
  /** Requests an idle polling daemon on the configured curve would have made over the same span. */
  pollingRequests: number;
}

export interface BackoffInputs {
  ticks: readonly TickRecord[];
  /** Window start and end (epoch ms); the end is now. */
  from: number;
  now: number;
  /** Draw the push view (what-if line and push band). */
  pushView: boolean;
  baseMs: number;
  capMs: number;
}

function inWindow(ticks: readonly TickRecord[], from: number, now: number): TickRecord[] {
  return ticks.filter((t) => t.at >= from && t.at <= now);
}

/** What polling would do over the window: restarted from the base wherever a tick's findings reset the curve. */
function whatIfSchedule(ticks: readonly TickRecord[], from: number, now: number, baseMs: number, capMs: number) {
  const resets = ticks.filter((t) => curveMove(recordedFindings(t)) === 'reset').map((t) => t.at);
  const start = ticks[0]?.at ?? from;
  return idlePollSchedule(start, now, baseMs, capMs, resets);
}

export function buildBackoffData(inputs: BackoffInputs): BackoffChartData {
  const { from, now, pushView, baseMs, capMs } = inputs;
  const ticks = inWindow(inputs.ticks, from, now);
  // Column times: ticks, then (push view) the what-if points and (always) now.
  const columns = new Map<number, { tick?: TickRecord; whatIfMs?: number }>();
  for (const t of ticks) columns.set(t.at, { ...columns.get(t.at), tick: t });
  if (pushView) {
    for (const p of compressFlatRuns(whatIfSchedule(ticks, from, now, baseMs, capMs))) {
      columns.set(p.at, { ...columns.get(p.at), whatIfMs: p.delayMs });
    }
  }
  if (!columns.has(now)) columns.set(now, {});
  const times = [...columns.keys()].sort((a, b) => a - b);
  const n = times.length;
  const empty = () => new Array<number | null>(n).fill(null);
  const byReason = Object.fromEntries(DELAY_REASONS.map((r) => [r, empty()])) as Record<DelayReason, (number | null)[]>;
  const data: BackoffChartData = {
    x: times.map((at) => at / 1000),
    byReason,
    curve: empty(),
    waiting: empty(),
    whatIf: empty(),
    push: empty(),
    pointCount: ticks.length,
  };
  let pushState: number | null = null;
  times.forEach((at, i) => {
    const column = columns.get(at)!;
    const t = column.tick;
    if (t) {
      byReason[t.reason][i] = t.delayMs / 1000;
      data.curve[i] = t.curveMs === null ? null : t.curveMs / 1000;
      if (t.push !== null) pushState = t.push ? 1 : 0;
    }
    if (column.whatIfMs !== undefined) data.whatIf[i] = column.whatIfMs / 1000;
    data.push[i] = pushView ? pushState : null;
  });
  const last = ticks[ticks.length - 1];
  if (last) {
    // From the last tick to now the daemon waits (or, paused, just sits): a flat segment at the chosen delay.
    data.waiting[times.indexOf(last.at)] = last.delayMs / 1000;
    data.waiting[n - 1] = last.delayMs / 1000;
  }
  return data;
}

/** A run of equal delays draws the same flat line with its first and last point only. */
function compressFlatRuns<T extends { delayMs: number }>(points: readonly T[]): T[] {
  return points.filter(
    (p, i) => i === 0 || i === points.length - 1 || points[i - 1]!.delayMs !== p.delayMs || points[i + 1]!.delayMs !== p.delayMs,
  );
}

export function summarizePush(inputs: Omit<BackoffInputs, 'pushView'>): PushSummary {
  const { from, now, baseMs, capMs } = inputs;
  const ticks = inWindow(inputs.ticks, from, now);
  let up = 0;
  let known = 0;
  let reconnects = 0;
  ticks.forEach((t, i) => {
    if (t.push === null) return;
    const end = ticks[i + 1]?.at ?? now;
    known += end - t.at;
    if (t.push) up += end - t.at;
    const before = ticks[i - 1];
    if (t.push && before?.push === false) reconnects++;
  });
  return {
    uptimePercent: known === 0 ? null : Math.round((up / known) * 100),
    reconnects,
    reconcileTicks: ticks.filter((t) => t.reason === 'push_reconcile').length,
    requests: ticks.reduce((sum, t) => sum + t.requests, 0),
    pollingRequests: ticks.length === 0 ? 0 : whatIfSchedule(ticks, from, now, baseMs, capMs).length,
  };
}

/** A daemon is drawn in the push view when its source pushes (now, or at any tick in the window). */
export function isPushDaemon(pushHealthy: boolean, ticks: readonly TickRecord[], from: number): boolean {
  return pushHealthy || ticks.some((t) => t.at >= from && t.push === true);
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
