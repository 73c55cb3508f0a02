/**
 * How long a daemon waits between ticks: the idle backoff (its curve and the
 * rules that move it live in src-shared/backoff-curve.ts) and the error
 * backoff, plus jitter so that a fleet of daemons does not poll in lockstep.
 * Pure and synchronous; the loop owns the state machine around it.
 */
import { type CurveMove, idleCurveDelay, stepAfter } from '@shared/backoff-curve';
import { SourceError } from './errors';

export const ERROR_BACKOFF_CAP_MS = 60_000;
export const RATE_LIMIT_BACKOFF_FLOOR_MS = 30_000;
/** Never tick sooner than this for a rate-limit resume (docs/architecture.md, "The loop": the 1 s floor). */
export const RESUME_CLAMP_FLOOR_MS = 1_000;
/** Idle delays are spread by ±10 % when jitter is on. */
export const IDLE_JITTER_SPREAD = 0.1;

export type Random = () => number;

/**
 * Idle backoff: a position on the shared idle curve, moved by the shared
 * rules (src-shared/backoff-curve.ts decides which event resets, bumps or
 * holds it). The dashboard draws the same curve from the same functions.
 */
export class IdleBackoff {
  private step = 0;

  constructor(
    private baseMs: number,
    private capMs: number,
  ) {}

  get currentMs(): number {
    return idleCurveDelay(this.baseMs, this.capMs, this.step);
  }

  /** Steps above the base (0 = base); recorded with each tick. */
  get currentStep(): number {
    return this.step;
  }

  /** Applies a move decided by `curveMove` (src-shared/backoff-curve.ts). */
  apply(move: CurveMove): void {
    this.step = stepAfter(this.step, move, this.baseMs, this.capMs);
  }

  reset(): void {
    this.apply('reset');
  }

  bump(): void {
    this.apply('bump');
  }

  /** New tuning takes effect at once: the same step on the new curve (so at most the new cap). */
  retune(baseMs: number, capMs: number): void {
    this.baseMs = baseMs;
    this.capMs = capMs;
  }
}

export interface ErrorDelay {
  /** The delay to wait, jitter applied. */
  delayMs: number;
  /** True when the server told us exactly how long (Retry-After): never jittered. */
  serverAdvised: boolean;
}

/**
 * Error backoff, separate from the idle one: 429 → min(max(2×prev, 30 s), 60 s)
 * or the server's Retry-After; any other error → min(2×prev, 60 s). A
 * successful tick resets it to base.
 */
export class ErrorBackoff {
  private value: number;

  constructor(
    private baseMs: number,
    private readonly jitter: boolean,
    private readonly random: Random = Math.random,
  ) {
    this.value = baseMs;
  }

  get currentMs(): number {
    return this.value;
  }

  reset(): void {
    this.value = this.baseMs;
  }

  retune(baseMs: number): void {
    this.baseMs = baseMs;
  }

  onError(err: unknown): ErrorDelay {
    if (err instanceof SourceError && err.kind === 'rate_limited') {
      this.value = Math.min(Math.max(this.value * 2, RATE_LIMIT_BACKOFF_FLOOR_MS), ERROR_BACKOFF_CAP_MS);
      if (err.retryAfterMs !== undefined && err.retryAfterMs >= 0) {
        return { delayMs: err.retryAfterMs, serverAdvised: true };
      }
      // The server said "too many" without saying how long: jitter spreads the
      // fleet above the 30 s floor, never below it (that would defeat the floor).
      const delayMs = this.jitter ? rateLimitJitter(this.value, this.random) : this.value;
      return { delayMs, serverAdvised: false };
    }
    this.value = Math.min(this.value * 2, ERROR_BACKOFF_CAP_MS);
    return { delayMs: this.jitter ? fullJitter(this.value, this.random, this.baseMs) : this.value, serverAdvised: false };
  }
}

/**
 * Full jitter (AWS, "Exponential Backoff and Jitter"): uniform in [0, v]. The
 * floor keeps a daemon that drew a tiny number from hammering a sick server;
 * it is the base interval or 1 s, whichever is smaller.
 */
export function fullJitter(valueMs: number, random: Random, baseMs: number): number {
  const floor = Math.min(baseMs, 1_000, valueMs);
  return Math.max(floor, random() * valueMs);
}

/** Uniform in [30 s, v]: a 429 without Retry-After never waits less than the floor. */
export function rateLimitJitter(valueMs: number, random: Random): number {
  const floor = Math.min(RATE_LIMIT_BACKOFF_FLOOR_MS, valueMs);
  return floor + random() * (valueMs - floor);
}

/** A small spread on idle delays: enough to break lockstep, too little to change the curve. */
export function idleJitter(valueMs: number, random: Random): number {
  return valueMs * (1 + (random() * 2 - 1) * IDLE_JITTER_SPREAD);
}

/**
 * The next delay: the idle (or reconcile) delay, clamped to the nearest
 * rate-limit resume time but never below 1 s.
 */
export function clampToResume(
  delayMs: number,
  nearestResumeAt: number | null,
  now: number,
): { delayMs: number; clamped: boolean } {
  if (nearestResumeAt === null) return { delayMs, clamped: false };
  const untilResume = Math.max(nearestResumeAt - now, RESUME_CLAMP_FLOOR_MS);
  return untilResume < delayMs ? { delayMs: untilResume, clamped: true } : { delayMs, clamped: false };
}
