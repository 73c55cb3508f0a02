/**
 * Data for the aggregate pool line: busy / rate-limited / free slots after each
 * tick, drawn as steps, held up to now (the value after the last tick is still
 * the state of the pool).
 */
import type { TickRecord } from '@shared/ticks';

export interface PoolChartData {
  x: number[];
  busy: number[];
  rateLimited: number[];
  free: number[];
  /** Ticks in the window (the column at now is not one). */
  pointCount: number;
}

export function buildPoolData(ticks: readonly TickRecord[], from: number, now: number): PoolChartData {
  const data: PoolChartData = { x: [], busy: [], rateLimited: [], free: [], pointCount: 0 };
  for (const t of ticks) {
    if (t.at < from || t.at > now) continue;
    data.x.push(t.at / 1000);
    data.busy.push(t.active);
    data.rateLimited.push(t.rateLimited);
    // A lowered maxConcurrent can leave more sessions than slots for a while: free never goes negative.
    data.free.push(Math.max(0, t.max - t.active - t.rateLimited));
  }
  data.pointCount = data.x.length;
  const last = data.x.length - 1;
  if (last >= 0 && data.x[last]! < now / 1000) {
    data.x.push(now / 1000);
    data.busy.push(data.busy[last]!);
    data.rateLimited.push(data.rateLimited[last]!);
    data.free.push(data.free[last]!);
  }
  return data;
}
