import { describe, expect, it } from 'vitest';
import {
  type CurveEvent,
  curveMove,
  idleCurveSteps,
  idlePollSchedule,
  recordedFindings,
  stepAfter,
  type TickFindings,
  tickDelayReason,
} from './backoff-curve';

describe('idle curve', () => {
  it('is the documented 10 → 15 → 22.5 → 33.75 → 50.6 → 75.9 → 113.9 → 120 s sequence', () => {
    expect(idleCurveSteps(10_000, 120_000).map((ms) => Math.round(ms / 100) / 10)).toEqual([
      10, 15, 22.5, 33.8, 50.6, 75.9, 113.9, 120,
    ]);
  });

  it('is a single step when the cap equals the base', () => {
    expect(idleCurveSteps(5_000, 5_000)).toEqual([5_000]);
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

const looked: TickFindings = { saturated: false, paused: false, dispatched: 0, runsChanged: false, byWake: false };

describe('the rules that move a daemon on the curve', () => {
  it.each<[string, CurveEvent, string]>([
    ['a tick that dispatched', { ...looked, dispatched: 2 }, 'reset'],
    ['a tick in which runs came or went', { ...looked, runsChanged: true }, 'reset'],
    ['a tick that looked and found nothing', looked, 'bump'],
    ['a woken tick that found nothing', { ...looked, byWake: true }, 'bump'],
    ['a tick with every slot taken', { ...looked, saturated: true, runsChanged: true }, 'hold'],
    ['a tick that found the daemon paused', { ...looked, paused: true }, 'hold'],
    ['a failed tick', 'tick_failed', 'hold'],
    ['a person pressing Wake', 'woken', 'reset'],
    ['a freed slot', 'slot_freed', 'reset'],
  ])('%s: %s', (_what, event, move) => {
    expect(curveMove(event)).toBe(move);
  });

  it('names why: saturated, work, wake (only for a woken tick that found nothing) or idle', () => {
    expect(tickDelayReason({ ...looked, saturated: true, dispatched: 1 })).toBe('saturated');
    expect(tickDelayReason({ ...looked, dispatched: 1, byWake: true })).toBe('work');
    expect(tickDelayReason({ ...looked, byWake: true })).toBe('wake');
    expect(tickDelayReason({ ...looked, paused: true, byWake: true })).toBe('idle');
    expect(tickDelayReason(looked)).toBe('idle');
  });

  it('a bump climbs one step up to the cap and stays there; a reset goes to step 0; a hold stays', () => {
    expect(stepAfter(0, 'bump', 10_000, 30_000)).toBe(1);
    expect(stepAfter(2, 'bump', 10_000, 30_000)).toBe(3);
    expect(stepAfter(3, 'bump', 10_000, 30_000)).toBe(3);
    expect(stepAfter(3, 'reset', 10_000, 30_000)).toBe(0);
    expect(stepAfter(2, 'hold', 10_000, 30_000)).toBe(2);
  });

  it('a recorded tick resets the what-if poller when it dispatched, and only then', () => {
    expect(curveMove(recordedFindings({ dispatched: 1 }))).toBe('reset');
    expect(curveMove(recordedFindings({ dispatched: 0 }))).toBe('bump');
  });
});
