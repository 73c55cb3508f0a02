/**
 * The idle backoff curve, the one definition shared by the daemon loop
 * (src-main/core/backoff.ts schedules with it) and the dashboard (which draws
 * it). Pure arithmetic with no imports, so the renderer can bundle it without
 * pulling in Node or zod.
 *
 * Step k of an idle run waits base × 1.5^k, capped: step 0 is the base
 * interval (after work or a reset), each tick that found nothing moves one
 * step up.
 */

export const IDLE_BACKOFF_MULTIPLIER = 1.5;

/** Steps beyond this are always at the cap for any sane base/cap; bounds loops over the curve. */
const MAX_STEPS = 200;

/** The delay of idle step `step` (0 = base) for this tuning. */
export function idleCurveDelay(baseMs: number, capMs: number, step: number): number {
  return Math.min(baseMs * IDLE_BACKOFF_MULTIPLIER ** Math.max(0, step), capMs);
}

/** True when `step` already waits the cap: bumping further changes nothing. */
export function isAtCap(baseMs: number, capMs: number, step: number): boolean {
  return idleCurveDelay(baseMs, capMs, step) >= capMs || step >= MAX_STEPS;
}

/** The whole curve as successive delays: base, base×1.5, … up to and including the cap. */
export function idleCurveSteps(baseMs: number, capMs: number): number[] {
  const steps: number[] = [];
  for (let k = 0; k <= MAX_STEPS; k++) {
    steps.push(idleCurveDelay(baseMs, capMs, k));
    if (isAtCap(baseMs, capMs, k)) break;
  }
  return steps;
}

export interface CurvePoint {
  /** Epoch ms of a (possibly hypothetical) tick. */
  at: number;
  /** The delay the curve prescribes after it. */
  delayMs: number;
}

/**
 * The ticks a daemon that only polled would make between `from` and `to` if
 * it found nothing: a tick at `from` waiting the base, then each next tick one
 * step further along the curve. `resets` (epoch ms, e.g. ticks that found
 * work) start the curve over from the base. This is the "what if push were
 * down" line of the dashboard.
 */
export function idlePollSchedule(
  from: number,
  to: number,
  baseMs: number,
  capMs: number,
  resets: readonly number[] = [],
): CurvePoint[] {
  const pending = resets.filter((r) => r > from && r <= to).sort((a, b) => a - b);
  const points: CurvePoint[] = [];
  let at = from;
  let step = 0;
  // Bounded: the base is at least 100 ms in any valid config, and a day of that is under a million points.
  const limit = 1_000_000;
  while (at <= to && points.length < limit) {
    const delayMs = idleCurveDelay(baseMs, capMs, step);
    points.push({ at, delayMs });
    const next = at + delayMs;
    if (pending.length > 0 && pending[0]! <= next) {
      at = pending.shift()!;
      step = 0;
      while (pending.length > 0 && pending[0]! <= at) pending.shift();
    } else {
      at = next;
      if (!isAtCap(baseMs, capMs, step)) step++;
    }
  }
  return points;
}
