import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_STEP_MS, systemClock } from './clock';

// Vitest's fake timers behave like Node here: a delay above 2³¹−1 ms becomes 1 ms.
afterEach(() => vi.useRealTimers());

describe('systemClock.setTimer', () => {
  it('waits out a delay longer than setTimeout can hold (30 days), instead of firing after 1 ms', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const day = 24 * 3_600_000;
    systemClock.setTimer(fn, 30 * day);
    vi.advanceTimersByTime(1_000);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(MAX_TIMER_STEP_MS);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(30 * day - MAX_TIMER_STEP_MS - 1_001);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('cancels a chained timer in any of its steps', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const cancel = systemClock.setTimer(fn, 3 * MAX_TIMER_STEP_MS);
    vi.advanceTimersByTime(MAX_TIMER_STEP_MS + 5);
    cancel();
    vi.advanceTimersByTime(3 * MAX_TIMER_STEP_MS);
    expect(fn).not.toHaveBeenCalled();
  });

  it('fires an ordinary delay once, on time', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    systemClock.setTimer(fn, 250);
    vi.advanceTimersByTime(249);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
