/**
 * Delay before the next reconnect or retry of a push channel. Never sooner
 * than `base` (which honours the server's SSE `retry:`), then full jitter
 * above it over an exponentially growing window, so that a fleet of daemons
 * dropped by one server restart does not come back in lockstep.
 */

export interface ReconnectBackoffOptions {
  baseMs: number;
  capMs: number;
  random: () => number;
}

export class ReconnectBackoff {
  private failures = 0;
  private baseMs: number;

  constructor(private readonly options: ReconnectBackoffOptions) {
    this.baseMs = options.baseMs;
  }

  /** The server asked for this reconnection delay (SSE `retry:`). */
  setBase(ms: number): void {
    this.baseMs = Math.max(0, ms);
  }

  /** base + U(0, min(cap, base·2ⁿ)) for the n-th consecutive failure (n from 0). */
  next(): number {
    const window = Math.min(this.options.capMs, Math.max(this.baseMs, 1) * 2 ** this.failures);
    this.failures += 1;
    return Math.min(this.options.capMs, this.baseMs + Math.floor(this.options.random() * window));
  }

  /**
   * After a refused connection (nothing listens: the server is restarting):
   * base + U(0, base), the window not grown, so the next attempt lands within
   * about a second of the server's return whatever the outage's length.
   */
  nextRefused(): number {
    return Math.min(this.options.capMs, this.baseMs + Math.floor(this.options.random() * Math.max(this.baseMs, 1)));
  }

  reset(): void {
    this.failures = 0;
  }
}
