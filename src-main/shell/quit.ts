/**
 * Quitting: stop the loops, ask agents to stop (SIGTERM, SIGKILL after the
 * grace period — the core kills whole process groups), leave their sessions
 * resumable, then exit. A core that hangs must not keep the app alive: after
 * `timeoutMs` we give up waiting and exit anyway.
 */

import type { NightshiftCore } from '../api/core-api';
import type { Clock } from '../core/clock';

export interface ShutdownOptions {
  agentGraceMs: number;
  timeoutMs: number;
  clock: Clock;
}

export type ShutdownResult = 'stopped' | 'timed_out' | { failed: unknown };

export async function stopCoreWithin(core: Pick<NightshiftCore, 'stop'>, options: ShutdownOptions): Promise<ShutdownResult> {
  let cancelTimer: () => void = () => {};
  const timeout = new Promise<ShutdownResult>((resolve) => {
    cancelTimer = options.clock.setTimer(() => resolve('timed_out'), options.timeoutMs);
  });
  // The tray's Quit is the user quitting: remote tasks go back to their queue.
  const stopped = core.stop({ agentGraceMs: options.agentGraceMs, releaseTasks: true }).then(
    (): ShutdownResult => 'stopped',
    (err: unknown): ShutdownResult => ({ failed: err }),
  );
  try {
    return await Promise.race([stopped, timeout]);
  } finally {
    cancelTimer();
  }
}
