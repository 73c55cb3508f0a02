/**
 * How often a busy daemon asks the source whether its running tasks were
 * cancelled. Each task is checked on its own backoff — the daemon's poll
 * interval growing ×1.5 to its idle cap, like the idle curve — instead of on
 * every tick (≈ 9,200 GETs a day per busy slot before). A push wake (a status
 * event, a NOTIFY) makes every task due at once. While the source pushes
 * status changes itself (SSE, LISTEN), no check is made except on such a wake.
 */
import { IdleBackoff } from '../backoff';

interface Due {
  at: number;
  curve: IdleBackoff;
}

export class RunningChecks {
  private readonly due = new Map<string, Due>();
  private woken = false;

  constructor(
    private baseMs: number,
    private capMs: number,
  ) {}

  retune(baseMs: number, capMs: number): void {
    this.baseMs = baseMs;
    this.capMs = capMs;
  }

  /** The source said something changed: check every running task at the next tick. */
  wake(): void {
    this.woken = true;
  }

  /** Which of `sessionIds` to check now; `pushed`: the source pushes status changes while connected. */
  select(sessionIds: string[], now: number, pushed: boolean): string[] {
    const woken = this.woken;
    this.woken = false;
    for (const id of [...this.due.keys()]) if (!sessionIds.includes(id)) this.due.delete(id);
    const chosen: string[] = [];
    for (const id of sessionIds) {
      let entry = this.due.get(id);
      if (!entry) {
        // A new run: its first check one base interval after start.
        entry = { at: now + this.baseMs, curve: new IdleBackoff(this.baseMs, this.capMs) };
        this.due.set(id, entry);
      }
      if (woken) {
        entry.curve.reset(); // a status change: back to the base of the curve
        chosen.push(id);
      } else if (!pushed && now >= entry.at) chosen.push(id);
    }
    return chosen;
  }

  /** Plans the next check of a task just checked (unchanged: the step grows). */
  checked(sessionId: string, now: number): void {
    const entry = this.due.get(sessionId);
    if (!entry) return;
    entry.curve.retune(this.baseMs, this.capMs);
    entry.curve.bump();
    entry.at = now + entry.curve.currentMs;
  }
}
