import { DELAY_REASONS, type DelayReason, type TickRecord } from '@shared/ticks';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildBackoffData, isPushDaemon, summarizePush } from './backoff-data';
import { buildPoolData } from './pool-data';

function tick(at: number, reason: DelayReason, delayMs: number, extra: Partial<TickRecord> = {}): TickRecord {
  return {
    daemon: 'local',
    at,
    delayMs,
    reason,
    requests: 1,
    dispatched: 0,
    active: 0,
    rateLimited: 0,
    max: 2,
    error: null,
    curveMs: null,
    push: null,
    ...extra,
  };
}

describe('backoff chart data', () => {
  const poll = { pushView: false, baseMs: 10_000, capMs: 120_000 };

  it('has exactly one point per tick in the window, in the series of its reason, and a column at now', () => {
    const ticks = [
      tick(1_000, 'idle', 15_000, { curveMs: 15_000 }),
      tick(16_000, 'work', 10_000, { curveMs: 10_000 }),
      tick(26_000, 'rate_limit_clamp', 2_000, { curveMs: 15_000 }),
      tick(99_000, 'idle', 15_000),
    ];
    const data = buildBackoffData({ ticks, from: 0, now: 30_000, ...poll });
    expect(data.pointCount).toBe(3);
    expect(data.x).toEqual([1, 16, 26, 30]);
    expect(data.byReason.idle).toEqual([15, null, null, null]);
    expect(data.byReason.work).toEqual([null, 10, null, null]);
    expect(data.byReason.rate_limit_clamp).toEqual([null, null, 2, null]);
    // The curve is what the loop recorded, never recomputed: it sits on the dots it produced.
    expect(data.curve).toEqual([15, 10, 15, null]);
    // Idle time up to now: the last chosen delay held from the last tick to now.
    expect(data.waiting).toEqual([null, null, 2, 2]);
  });

  it('with no ticks has only the column at now (the axis is the window, set by the view)', () => {
    const data = buildBackoffData({ ticks: [], from: 0, now: 3_600_000, ...poll });
    expect(data.pointCount).toBe(0);
    expect(data.x).toEqual([3_600]);
  });

  it('push view: the band follows each tick push state and the what-if polls along the shared curve', () => {
    const ticks = [
      tick(0, 'push_reconcile', 600_000, { push: true }),
      tick(100_000, 'idle', 15_000, { push: false, curveMs: 15_000 }),
      tick(115_000, 'push_reconcile', 600_000, { push: true }),
    ];
    const data = buildBackoffData({ ticks, from: 0, now: 200_000, pushView: true, baseMs: 10_000, capMs: 30_000 });
    const at = (s: number) => data.x.indexOf(s);
    expect(data.push[at(0)]).toBe(1);
    expect(data.push[at(100)]).toBe(0);
    expect(data.push[at(200)]).toBe(1);
    const whatIf = data.x.map((x, i) => [x, data.whatIf[i]]).filter(([, v]) => v !== null);
    // 0 → 10 → 25 → 47.5 then flat at the 30 s cap (only the ends of a flat run are kept).
    expect(whatIf.slice(0, 4)).toEqual([
      [0, 10],
      [10, 15],
      [25, 22.5],
      [47.5, 30],
    ]);
    expect(whatIf.at(-1)![1]).toBe(30);
  });

  it('push summary: uptime over time, reconnects, reconcile ticks, requests vs polling', () => {
    const ticks = [
      tick(0, 'push_reconcile', 600_000, { push: true }),
      tick(75_000, 'idle', 15_000, { push: false }),
      tick(100_000, 'push_reconcile', 600_000, { push: true }),
    ];
    const s = summarizePush({ ticks, from: 0, now: 100_000, baseMs: 10_000, capMs: 30_000 });
    expect(s).toEqual({ uptimePercent: 75, reconnects: 1, reconcileTicks: 2, requests: 3, pollingRequests: 5 });
    expect(isPushDaemon(false, ticks, 0)).toBe(true);
    expect(isPushDaemon(false, [tick(0, 'idle', 1, { push: false })], 0)).toBe(false);
  });

  it('for any history: every tick column holds exactly one non-null reason equal to its delay', () => {
    const arbTick = fc.record({ reason: fc.constantFrom(...DELAY_REASONS), delayMs: fc.integer({ min: 1, max: 200_000 }) });
    fc.assert(
      fc.property(fc.array(arbTick, { maxLength: 200 }), fc.boolean(), (raw, pushView) => {
        const ticks = raw.map((r, i) => tick(i * 1000, r.reason, r.delayMs, { push: pushView }));
        const data = buildBackoffData({ ticks, from: 0, now: 1_000_000, pushView, baseMs: 10_000, capMs: 120_000 });
        expect(data.pointCount).toBe(ticks.length);
        ticks.forEach((t) => {
          const i = data.x.indexOf(t.at / 1000);
          const present = DELAY_REASONS.filter((r) => data.byReason[r][i] !== null);
          expect(present).toEqual([t.reason]);
          expect(data.byReason[t.reason][i]).toBe(t.delayMs / 1000);
        });
      }),
    );
  });
});

describe('pool chart data', () => {
  it('derives free slots from max, never negative', () => {
    const ticks = [
      tick(0, 'idle', 1, { active: 0, rateLimited: 0, max: 3 }),
      tick(1_000, 'work', 1, { active: 2, rateLimited: 1, max: 3 }),
      tick(2_000, 'saturated', 1, { active: 3, rateLimited: 1, max: 2 }),
    ];
    expect(buildPoolData(ticks, 0, 2_000)).toEqual({
      x: [0, 1, 2],
      busy: [0, 2, 3],
      rateLimited: [0, 1, 1],
      free: [3, 0, 0],
      pointCount: 3,
    });
    // The state after the last tick holds up to now.
    expect(buildPoolData(ticks, 500, 1_500)).toMatchObject({ x: [1, 1.5], busy: [2, 2], pointCount: 1 });
  });
});
