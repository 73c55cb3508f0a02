/** The "next poll in N s" line of a daemon card, recomputed every second from the snapshot's nextTickAt. */
import type { DaemonSnapshot } from '@shared/snapshot';

/** Whole seconds until `at`, rounded up so that "in 1 s" shows until the moment itself; never negative. */
export function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}

export function countdownLabel(daemon: Pick<DaemonSnapshot, 'paused' | 'nextTickAt'>, now: number): string {
  if (daemon.paused) return 'paused — no polling';
  if (daemon.nextTickAt === null) return 'not scheduled';
  const seconds = secondsUntil(daemon.nextTickAt, now);
  return seconds === 0 ? 'polling now' : `next poll in ${seconds} s`;
}
