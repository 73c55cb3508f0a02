/**
 * The tick timer on a fake clock: one pending timer at a time (a new schedule
 * replaces the old), never two ticks at once, and a tick that comes due while
 * one runs is run right after it rather than dropped.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock, settle } from '../clock';
import { TickTimer } from './tick-timer';

function harness() {
  const clock = new FakeClock(0);
  const started: number[] = [];
  let running = 0;
  let maxRunning = 0;
  let finish: (() => void) | null = null;
  let againCalls = 0;
  const timer = new TickTimer(
    clock,
    () => {
      started.push(clock.now());
      running++;
      maxRunning = Math.max(maxRunning, running);
      return new Promise<void>((resolve) => {
        finish = () => {
          running--;
          resolve();
        };
      });
    },
    () => {
      againCalls++;
      timer.schedule(0);
    },
  );
  return { clock, timer, started, finishTick: () => finish?.(), againCalls: () => againCalls, maxRunning: () => maxRunning };
}

describe('TickTimer', () => {
  it('keeps one pending timer: a new schedule replaces the old one', async () => {
    const h = harness();
    h.timer.schedule(10_000);
    h.timer.schedule(3_000);
    expect(h.timer.nextAt).toBe(3_000);
    expect(h.clock.pendingTimers()).toBe(1);
    await h.clock.advance(10_000);
    expect(h.started).toEqual([3_000]);
  });

  it('clear forgets the pending tick', async () => {
    const h = harness();
    h.timer.schedule(1_000);
    h.timer.clear();
    expect(h.timer.nextAt).toBeNull();
    await h.clock.advance(5_000);
    expect(h.started).toEqual([]);
  });

  it('a tick due while one runs waits for it, then runs once however many came due', async () => {
    const h = harness();
    h.timer.schedule(0);
    await h.clock.advance(0);
    expect(h.started).toEqual([0]);
    // Three wakes while the first tick is still running.
    for (const ms of [100, 200, 300]) {
      h.timer.schedule(0);
      await h.clock.advance(ms - h.clock.now());
    }
    expect(h.started).toEqual([0]);
    h.finishTick();
    await settle();
    expect(h.againCalls()).toBe(1);
    await h.clock.advance(0);
    expect(h.started).toEqual([0, 300]);
    expect(h.maxRunning()).toBe(1);
    h.finishTick();
    await h.timer.idle();
  });
});
