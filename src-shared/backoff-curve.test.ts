import { describe, expect, it } from 'vitest';
import { IdleBackoff } from '../src-main/core/backoff';
import { idleCurveDelay, idleCurveSteps, idlePollSchedule } from './backoff-curve';

describe('idle curve', () => {
  it('is the documented 10 → 15 → 22.5 → 33.75 → 50.6 → 75.9 → 113.9 → 120 s sequence', () => {
    expect(idleCurveSteps(10_000, 120_000).map((ms) => Math.round(ms / 100) / 10)).toEqual([
      10, 15, 22.5, 33.8, 50.6, 75.9, 113.9, 120,
    ]);
  });

  it('is a single step when the cap equals the base', () => {
    expect(idleCurveSteps(5_000, 5_000)).toEqual([5_000]);
  });

  it('is the curve the loop schedules with: step k of IdleBackoff waits idleCurveDelay(k)', () => {
    const loop = new IdleBackoff(7_000, 90_000);
    for (let k = 0; k < 12; k++) {
      expect(loop.currentMs).toBe(idleCurveDelay(7_000, 90_000, k));
      loop.bump();
    }
  });
});

describe('idle poll schedule (the what-if of a polling daemon)', () => {
  it('ticks at the base, then one step further each time, capped', () => {
    const points = idlePollSchedule(0, 100_000, 10_000, 30_000);
    expect(points.map((p) => [p.at, p.delayMs])).toEqual([
      [0, 10_000],
      [10_000, 15_000],
      [25_000, 22_500],
      [47_500, 30_000],
      [77_500, 30_000],
    ]);
  });

  it('starts over from the base at a reset', () => {
    const points = idlePollSchedule(0, 40_000, 10_000, 30_000, [30_000]);
    expect(points.map((p) => [p.at, p.delayMs])).toEqual([
      [0, 10_000],
      [10_000, 15_000],
      [25_000, 22_500],
      [30_000, 10_000],
      [40_000, 15_000],
    ]);
  });

  it('is empty for an empty span', () => {
    expect(idlePollSchedule(10, 5, 1_000, 2_000)).toEqual([]);
  });
});
