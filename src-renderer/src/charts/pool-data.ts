/** Data for the pool chart: busy / rate-limited / free slots after each tick, drawn as steps. */
import type { TickRecord } from '../../../src-main/core/types';

export interface PoolChartData {
  x: number[];
  busy: number[];
  rateLimited: number[];
  free: number[];
}

export function buildPoolData(ticks: readonly TickRecord[], from: number, to: number): PoolChartData {
  const data: PoolChartData = { x: [], busy: [], rateLimited: [], free: [] };
  for (const t of ticks) {
    if (t.at < from || t.at > to) continue;
    data.x.push(t.at / 1000);
    data.busy.push(t.active);
    data.rateLimited.push(t.rateLimited);
    // A lowered maxConcurrent can leave more sessions than slots for a while: free never goes negative.
    data.free.push(Math.max(0, t.max - t.active - t.rateLimited));
  }
  return data;
}
