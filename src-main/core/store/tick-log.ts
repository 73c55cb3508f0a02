/**
 * One row per tick (the data behind the backoff and pool charts) and a
 * per-day request counter per daemon. Ticks are pruned to a bounded
 * retention so that months of running keep the file small.
 */
import type { DelayReason, TickRecord } from '@shared/ticks';
import type { Db } from './db';

export const TICK_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

interface Row {
  daemon: string;
  at: number;
  delay_ms: number;
  reason: DelayReason;
  requests: number;
  dispatched: number;
  active: number;
  rate_limited: number;
  max: number;
  error: string | null;
  curve_ms: number | null;
  push: number | null;
}

export class TickLog {
  private readonly insert;
  private readonly count;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      `INSERT INTO ticks (daemon, at, delay_ms, reason, requests, dispatched, active, rate_limited, max, error, curve_ms, push)
       VALUES (@daemon, @at, @delayMs, @reason, @requests, @dispatched, @active, @rateLimited, @max, @error, @curveMs, @push)`,
    );
    this.count = db.prepare(
      `INSERT INTO request_counts (daemon, day, requests, ticks) VALUES (?, ?, ?, ?)
       ON CONFLICT (daemon, day) DO UPDATE SET requests = requests + excluded.requests, ticks = ticks + excluded.ticks`,
    );
  }

  record(tick: TickRecord): void {
    this.db.transaction(() => {
      this.insert.run({
        ...tick,
        delayMs: Math.round(tick.delayMs),
        curveMs: tick.curveMs === null ? null : Math.round(tick.curveMs),
        push: tick.push === null ? null : Number(tick.push),
      });
      this.count.run(tick.daemon, utcDay(tick.at), tick.requests, 1);
    })();
  }

  /** Source requests made outside ticks (push channels, reports) still count for the day. */
  addRequests(daemon: string, at: number, requests: number): void {
    if (requests > 0) this.count.run(daemon, utcDay(at), requests, 0);
  }

  list(daemon: string, since: number, limit = 20_000): TickRecord[] {
    // The newest `limit` ticks, returned oldest first for the charts.
    const rows = this.db
      .prepare(
        'SELECT * FROM (SELECT * FROM ticks WHERE daemon = ? AND at >= ? ORDER BY at DESC, id DESC LIMIT ?) ORDER BY at, id',
      )
      .all(daemon, since, limit) as Row[];
    return rows.map((r) => ({
      daemon: r.daemon,
      at: r.at,
      delayMs: r.delay_ms,
      reason: r.reason,
      requests: r.requests,
      dispatched: r.dispatched,
      active: r.active,
      rateLimited: r.rate_limited,
      max: r.max,
      error: r.error,
      curveMs: r.curve_ms,
      push: r.push === null ? null : r.push === 1,
    }));
  }

  requestsOn(daemon: string, at: number): number {
    const row = this.db.prepare('SELECT requests FROM request_counts WHERE daemon = ? AND day = ?').get(daemon, utcDay(at)) as
      | { requests: number }
      | undefined;
    return row?.requests ?? 0;
  }

  /** When this daemon first ticked today (UTC), for "saved vs fixed polling". */
  firstTickOn(daemon: string, at: number): number | null {
    const midnight = Date.parse(`${utcDay(at)}T00:00:00.000Z`);
    const row = this.db.prepare('SELECT MIN(at) AS first FROM ticks WHERE daemon = ? AND at >= ?').get(daemon, midnight) as {
      first: number | null;
    };
    return row.first;
  }

  prune(now: number, retentionMs = TICK_RETENTION_MS): number {
    const cutoff = now - retentionMs;
    const removed = this.db.prepare('DELETE FROM ticks WHERE at < ?').run(cutoff).changes;
    this.db.prepare('DELETE FROM request_counts WHERE day < ?').run(utcDay(now - 90 * 24 * 60 * 60 * 1000));
    return removed;
  }
}

export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** Milliseconds since UTC midnight: how long "today" has been running. */
export function msSinceUtcMidnight(at: number): number {
  return at - Date.parse(`${utcDay(at)}T00:00:00.000Z`);
}
