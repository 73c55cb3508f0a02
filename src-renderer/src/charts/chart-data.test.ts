import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DELAY_REASONS, type DelayReason, type TickRecord } from '../../../src-main/core/types';
import { buildBackoffData, expectedDelays, idleCurve } from './backoff-data';
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
    ...extra,
  };
}

describe('idle curve', () => {
  it('is the documented 10 → 15 → 22.5 → 33.75 → 50.6 → 75.9 → 113.9 → 120 s sequence', () => {
    expect(idleCurve(10_000, 120_000).map((ms) => Math.round(ms / 100) / 10)).toEqual([
      10, 15, 22.5, 33.8, 50.6, 75.9, 113.9, 120,
    ]);
  });

  it('is a single step when the cap equals the base', () => {
    expect(idleCurve(5_000, 5_000)).toEqual([5_000]);
  });

  it('the expected delay bumps per idle tick, resets on work and wake, and has gaps elsewhere', () => {
    const reasons: DelayReason[] = ['idle', 'idle', 'idle', 'work', 'idle', 'error', 'idle', 'wake'];
    expect(
      expectedDelays(
        reasons.map((reason) => ({ reason })),
        10_000,
        30_000,
      ),
    ).toEqual([15_000, 22_500, 30_000, 10_000, 15_000, null, 15_000, 10_000]);
  });
});

describe('backoff chart data', () => {
  it('has exactly one point per tick in the window, in the series of its reason', () => {
    const ticks = [
      tick(1_000, 'idle', 15_000),
      tick(16_000, 'work', 10_000),
      tick(26_000, 'rate_limit_clamp', 2_000),
      tick(99_000, 'idle', 15_000),
    ];
    const data = buildBackoffData(ticks, 0, 30_000, 10_000, 120_000);
    expect(data.pointCount).toBe(3);
    expect(data.x).toEqual([1, 16, 26]);
    expect(data.byReason.idle).toEqual([15, null, null]);
    expect(data.byReason.work).toEqual([null, 10, null]);
    expect(data.byReason.rate_limit_clamp).toEqual([null, null, 2]);
    expect(data.expected).toEqual([15, 10, null]);
  });

  it('keeps an idle run that started before the window on its step', () => {
    const ticks = [tick(0, 'idle', 15_000), tick(15_000, 'idle', 22_500), tick(37_500, 'idle', 33_750)];
    expect(buildBackoffData(ticks, 30_000, 40_000, 10_000, 120_000).expected).toEqual([33.75]);
  });

  it('for any history: every column holds exactly one non-null reason equal to its delay', () => {
    const arbTick = fc.record({ reason: fc.constantFrom(...DELAY_REASONS), delayMs: fc.integer({ min: 1, max: 200_000 }) });
    fc.assert(
      fc.property(fc.array(arbTick, { maxLength: 200 }), (raw) => {
        const ticks = raw.map((r, i) => tick(i * 1000, r.reason, r.delayMs));
        const data = buildBackoffData(ticks, 0, Number.MAX_SAFE_INTEGER, 10_000, 120_000);
        expect(data.pointCount).toBe(ticks.length);
        ticks.forEach((t, i) => {
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
    expect(buildPoolData(ticks, 0, 10_000)).toEqual({ x: [0, 1, 2], busy: [0, 2, 3], rateLimited: [0, 1, 1], free: [3, 0, 0] });
    expect(buildPoolData(ticks, 500, 1_500).x).toEqual([1]);
  });
});
