/**
 * Time for the core. Production uses the system clock; tests and benches use
 * {@link FakeClock}, so that a simulated day of idle polling runs in
 * milliseconds and every delay the loop chooses can be asserted exactly.
 */

/** Injectable time: real in production, simulated in tests and benches. */
export interface Clock {
  now(): number;
  /** Schedules `fn` after `ms`; returns a cancel function. */
  setTimer(fn: () => void, ms: number): () => void;
}

/**
 * setTimeout's largest delay (2³¹−1 ms, about 24.8 days). Node fires a longer
 * one after 1 ms (TimeoutOverflowWarning): a runtime `timeoutMs` of a month
 * would end every run at once. Longer delays are chained in steps.
 */
export const MAX_TIMER_STEP_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    let left = Math.max(0, ms);
    let timer: ReturnType<typeof setTimeout>;
    const arm = () => {
      const step = Math.min(left, MAX_TIMER_STEP_MS);
      left -= step;
      timer = setTimeout(left > 0 ? arm : fn, step);
    };
    arm();
    return () => clearTimeout(timer);
  },
};

interface PendingTimer {
  id: number;
  at: number;
  fn: () => void;
}

/** A manual clock: timers fire only when the test advances time. */
export class FakeClock implements Clock {
  private current: number;
  private timers: PendingTimer[] = [];
  private nextId = 1;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer = { id: this.nextId++, at: this.current + Math.max(0, ms), fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Due time of the earliest pending timer, if any. */
  nextTimerAt(): number | undefined {
    let earliest: number | undefined;
    for (const t of this.timers) if (earliest === undefined || t.at < earliest) earliest = t.at;
    return earliest;
  }

  pendingTimers(): number {
    return this.timers.length;
  }

  /**
   * Moves time forward by `ms`, firing due timers in order. Between timers it
   * yields to the event loop so that async work a timer started (a tick) can
   * finish and schedule the next one before time moves on.
   */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await settle();
      const next = this.popDue(target);
      if (!next) break;
      this.current = next.at;
      next.fn();
    }
    this.current = target;
    await settle();
  }

  /** Fires the earliest timer (jumping time to it) and lets its async work settle. */
  async runNext(): Promise<number | undefined> {
    await settle();
    const at = this.nextTimerAt();
    if (at === undefined) return undefined;
    await this.advance(at - this.current);
    return at;
  }

  private popDue(limit: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers) {
      if (t.at <= limit && (!best || t.at < best.at || (t.at === best.at && t.id < best.id))) best = t;
    }
    if (best) this.timers = this.timers.filter((t) => t !== best);
    return best;
  }
}

/** Lets pending promise chains (and a few macrotask hops) run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
