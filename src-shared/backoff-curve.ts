/**
 * The idle scheduling policy, in one place: the curve (base × 1.5ⁿ to the
 * cap) and the rules that move a daemon along it (which events reset it to
 * the base, which bump it one step, which leave it alone). The daemon loop
 * (src-main/core/loop) schedules with it and the dashboard draws with it
 * (charts/backoff-data.ts), so the line a person sees is the one the loop
 * follows. Pure functions with type imports only, so the renderer can bundle
 * it without pulling in Node or zod.
 *
 * Step k of an idle run waits base × 1.5^k, capped: step 0 is the base
 * interval (after work or a reset), each tick that found nothing moves one
 * step up.
 */
import type { DelayReason } from './ticks';

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

/** How an event moves a daemon on the curve: back to the base, one step up, or not at all. */
export type CurveMove = 'reset' | 'bump' | 'hold';

/** The step after `move` from `step`; a bump at the cap stays at the cap. */
export function stepAfter(step: number, move: CurveMove, baseMs: number, capMs: number): number {
  if (move === 'reset') return 0;
  if (move === 'bump' && !isAtCap(baseMs, capMs, step)) return step + 1;
  return step;
}

/** What one tick did, as far as the idle curve cares. */
export interface TickFindings {
  /** Every slot was taken, so the tick did not look for work. */
  saturated: boolean;
  /** The daemon was paused when the tick came to look for work. */
  paused: boolean;
  /** Tasks the tick dispatched. */
  dispatched: number;
  /** Runs started or ended in the tick's other phases (a rate-limited session resumed, an orphan reaped). */
  runsChanged: boolean;
  /** The tick was asked for by a wake (a person, or a push from the source). */
  byWake: boolean;
}

/**
 * The events that move the curve: a tick with what it found; `woken` (a
 * person pressed Wake), `slot_freed` (an agent ended: there may be room for
 * the next task) and `tick_failed` (the error backoff decides that delay).
 */
export type CurveEvent = TickFindings | 'woken' | 'slot_freed' | 'tick_failed';

/**
 * The rules (docs/architecture.md, "The loop"): work (a dispatch, or runs
 * that came and went) resets the curve, a tick that looked and found nothing
 * bumps it; a full pool holds it ("no capacity" is not "nothing to do": a full
 * daemon must not speed up against a source that has no slot for it), and so
 * do a pause and an error. A wake and a freed slot reset it.
 */
export function curveMove(event: CurveEvent): CurveMove {
  if (event === 'woken' || event === 'slot_freed') return 'reset';
  if (event === 'tick_failed') return 'hold';
  if (event.saturated || event.paused) return 'hold';
  return event.dispatched > 0 || event.runsChanged ? 'reset' : 'bump';
}

/** Why the tick's delay is what it is, before push, jitter and clamps have their say (next-delay.ts). */
export function tickDelayReason(findings: TickFindings): DelayReason {
  if (findings.saturated) return 'saturated';
  const move = curveMove(findings);
  if (move === 'reset') return 'work';
  return move === 'bump' && findings.byWake ? 'wake' : 'idle';
}

/**
 * A recorded tick's findings as the what-if poller of the chart sees them: it
 * has every slot it needs and is never paused, and a record keeps what was
 * dispatched, not which runs came and went, so a record resets its curve when
 * it dispatched.
 */
export function recordedFindings(tick: { dispatched: number }): TickFindings {
  return { saturated: false, paused: false, dispatched: tick.dispatched, runsChanged: false, byWake: false };
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

const NOTHING_FOUND: TickFindings = { saturated: false, paused: false, dispatched: 0, runsChanged: false, byWake: false };

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
 * work, see {@link recordedFindings}) start the curve over from the base.
 * This is the "what if push were down" line of the dashboard.
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
      step = stepAfter(step, 'reset', baseMs, capMs);
      while (pending.length > 0 && pending[0]! <= at) pending.shift();
    } else {
      // A hypothetical tick of a daemon that only polls: it looked and found nothing.
      at = next;
      step = stepAfter(step, curveMove(NOTHING_FOUND), baseMs, capMs);
    }
  }
  return points;
}
