/**
 * Delay before the next reconnect or retry of a push channel. Never sooner
 * than `base` (which honours the server's SSE `retry:`), then full jitter
 * above it over an exponentially growing window, so that a fleet of daemons
 * dropped by one server restart does not come back in lockstep.
 */
import { RefusedStreak, worthLogging } from '../refused-streak';

export interface ReconnectBackoffOptions {
  baseMs: number;
  capMs: number;
  random: () => number;
  /** Clock time, for how long connections have been refused in a row. */
  now: () => number;
}

export class ReconnectBackoff {
  private failures = 0;
  private failuresInRow = 0;
  private baseMs: number;
  private readonly refusals: RefusedStreak;

  constructor(private readonly options: ReconnectBackoffOptions) {
    this.baseMs = options.baseMs;
    this.refusals = new RefusedStreak(options.now);
  }

  /** The server asked for this reconnection delay (SSE `retry:`). */
  setBase(ms: number): void {
    this.baseMs = Math.max(0, ms);
  }

  /** base + U(0, min(cap, base·2ⁿ)) for the n-th consecutive failure (n from 0). */
  next(): number {
    this.refusals.reset();
    return this.grow();
  }

  /**
   * After a refused connection (nothing listens: the server is restarting):
   * base + U(0, base), the window not grown, so the next attempt lands within
   * about a second of the server's return; once refusals have lasted
   * FAST_REFUSED_WINDOW_MS, the growing backoff of next() instead.
   */
  nextRefused(): number {
    if (!this.refusals.refused()) return this.grow();
    this.failuresInRow += 1;
    return Math.min(this.options.capMs, this.baseMs + Math.floor(this.options.random() * Math.max(this.baseMs, 1)));
  }

  /** Whether the failure being handled deserves a log line (the 1st, 2nd, 4th… in a row). */
  get worthLogging(): boolean {
    return worthLogging(this.failuresInRow + 1);
  }

  reset(): void {
    this.failures = 0;
    this.failuresInRow = 0;
    this.refusals.reset();
  }

  private grow(): number {
    const window = Math.min(this.options.capMs, Math.max(this.baseMs, 1) * 2 ** this.failures);
    this.failures += 1;
    this.failuresInRow += 1;
    return Math.min(this.options.capMs, this.baseMs + Math.floor(this.options.random() * window));
  }
}
