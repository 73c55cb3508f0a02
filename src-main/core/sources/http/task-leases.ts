/**
 * The leases an HTTP server granted us (protocol: optional `leaseMs` in the
 * claim reply, renewed by `POST /api/tasks/{id}/heartbeat`). A server that
 * grants none never sees a heartbeat; one that does gets a renewal three
 * times per lease, so one lost renewal never loses the task.
 */
const DEFAULT_RENEW_MS = 15_000;

export class TaskLeases {
  private readonly lengths = new Map<string, number>();

  granted(id: string, leaseMs: number | null | undefined): void {
    if (leaseMs) this.lengths.set(id, leaseMs);
  }

  has(id: string): boolean {
    return this.lengths.has(id);
  }

  lengthOf(id: string): number | undefined {
    return this.lengths.get(id);
  }

  drop(id: string): void {
    this.lengths.delete(id);
  }

  /** How often to renew: a third of the shortest lease held, at most every 15 s. */
  renewEveryMs(): number {
    let shortest = Number.POSITIVE_INFINITY;
    for (const ms of this.lengths.values()) shortest = Math.min(shortest, ms);
    return Math.max(100, Math.min(DEFAULT_RENEW_MS, Math.floor(shortest / 3)));
  }
}
