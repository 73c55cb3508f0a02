/** The bench clock: real time that can skip idle stretches without reordering timers. */
import { afterEach, describe, expect, it } from 'vitest';
import { SkipAheadClock } from '../../bench/sources/skip-ahead-clock';

let clock: SkipAheadClock;
afterEach(() => clock.dispose());

describe('SkipAheadClock', () => {
  it('fires timers passed by a skip in due order, and not the ones after it', () => {
    clock = new SkipAheadClock();
    const fired: string[] = [];
    clock.setTimer(() => fired.push('b'), 20 * 60_000);
    clock.setTimer(() => fired.push('a'), 10 * 60_000);
    clock.setTimer(() => fired.push('c'), 60 * 60_000);
    const start = clock.now();
    clock.skipTo(start + 30 * 60_000);
    expect(fired).toEqual(['a', 'b']);
    expect(clock.now() - start).toBeGreaterThanOrEqual(30 * 60_000);
    expect(clock.nextTimerAt()! - clock.now()).toBeLessThanOrEqual(30 * 60_000);
  });

  it('fires a due timer in real time without any skip', async () => {
    clock = new SkipAheadClock();
    const fired = new Promise<number>((resolve) => clock.setTimer(() => resolve(Date.now()), 20));
    const setAt = Date.now();
    expect((await fired) - setAt).toBeGreaterThanOrEqual(19);
    expect(clock.skippedMs).toBe(0);
  });

  it('re-arms after a skip: a timer left pending fires at its virtual time, not its original real delay', async () => {
    clock = new SkipAheadClock();
    clock.setTimer(() => {}, 60_000);
    const late = new Promise<void>((resolve) => clock.setTimer(resolve, 60_030));
    clock.skipTo(clock.nextTimerAt()!); // 60 s skipped; the second timer is 30 ms away
    const t = Date.now();
    await late;
    expect(Date.now() - t).toBeLessThan(1_000);
  });

  it('a cancelled timer never fires; a timer set while firing waits for a later turn', () => {
    clock = new SkipAheadClock();
    const fired: string[] = [];
    const cancel = clock.setTimer(() => fired.push('cancelled'), 1_000);
    clock.setTimer(() => {
      fired.push('first');
      clock.setTimer(() => fired.push('zero-delay'), 0);
    }, 2_000);
    cancel();
    clock.skipTo(clock.now() + 5_000);
    expect(fired).toEqual(['first']);
    clock.skipTo(clock.now());
    expect(fired).toEqual(['first', 'zero-delay']);
  });
});
