/**
 * Leading + trailing throttle on an injectable clock: the first call runs at
 * once, calls inside the window collapse into one run at its end. The tray
 * rebuilds its menu with this, since snapshots can arrive many times a second.
 */
import type { Clock } from '../core/clock';

export interface Throttled {
  (): void;
  /** Drops a pending trailing run. */
  cancel(): void;
}

export function throttle(fn: () => void, windowMs: number, clock: Clock): Throttled {
  let lastRun = Number.NEGATIVE_INFINITY;
  let cancelTimer: (() => void) | null = null;

  const run = () => {
    cancelTimer = null;
    lastRun = clock.now();
    fn();
  };

  const throttled = (() => {
    if (cancelTimer) return; // a trailing run is already scheduled and will see the latest state
    const wait = lastRun + windowMs - clock.now();
    if (wait <= 0) run();
    else cancelTimer = clock.setTimer(run, wait);
  }) as Throttled;

  throttled.cancel = () => {
    cancelTimer?.();
    cancelTimer = null;
  };
  return throttled;
}
