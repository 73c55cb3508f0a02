/**
 * A clock that runs in real time but can skip idle stretches. `now()` is the
 * wall clock plus the total skipped; timers fire on a real setTimeout when
 * they come due, or at once when a skip passes them.
 *
 * Why not FakeClock: the source rows talk to real servers over real sockets
 * (HTTP, PostgreSQL). Under a FakeClock a request takes zero time, so pickup
 * latency would miss the network and the server. Here the time between a
 * task's arrival and its agent's start is real wherever something is in
 * flight, and only the waits in which nothing happens (a 120 s idle timer, a
 * 30 min reconcile) are skipped, which is what makes a simulated day cheap.
 * The caller decides when nothing is in flight (see bench-daemon.ts).
 */
import type { Clock } from '../../src-main/core/clock';

interface PendingTimer {
  id: number;
  at: number;
  fn: () => void;
}

export class SkipAheadClock implements Clock {
  private skipped = 0;
  private timers: PendingTimer[] = [];
  private nextId = 1;
  /** One real timeout, armed for the earliest pending timer. */
  private alarm: NodeJS.Timeout | undefined;
  /** Virtual milliseconds skipped so far (the rest of `now()` is real time). */
  get skippedMs(): number {
    return this.skipped;
  }

  now(): number {
    return Date.now() + this.skipped;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer = { id: this.nextId++, at: this.now() + Math.max(0, ms), fn };
    this.timers.push(timer);
    this.arm();
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
      this.arm();
    };
  }

  nextTimerAt(): number | undefined {
    let earliest: number | undefined;
    for (const t of this.timers) if (earliest === undefined || t.at < earliest) earliest = t.at;
    return earliest;
  }

  /** Moves virtual time forward to `at` (never back) and fires every timer due by then, in order. */
  skipTo(at: number): void {
    const now = this.now();
    if (at > now) this.skipped += at - now;
    this.fireDue();
  }

  /** Cancels the real alarm so that a finished bench lets the process exit. */
  dispose(): void {
    clearTimeout(this.alarm);
    this.timers = [];
  }

  /** Fires the timers due now; timers they set (even for 0 ms) wait for the next turn, as real ones would. */
  private fireDue(): void {
    const now = this.now();
    const due = this.timers.filter((t) => t.at <= now).sort((a, b) => a.at - b.at || a.id - b.id);
    for (const timer of due) {
      if (!this.timers.includes(timer)) continue; // cancelled by an earlier one
      this.timers = this.timers.filter((t) => t !== timer);
      timer.fn();
    }
    this.arm();
  }

  private arm(): void {
    clearTimeout(this.alarm);
    const at = this.nextTimerAt();
    if (at === undefined) return;
    this.alarm = setTimeout(() => this.fireDue(), Math.max(0, at - this.now()));
  }
}
