/** A daemon's pool drawn as a row of boxes: busy ones name their task, then rate-limited, then free. */
import type { DaemonSnapshot, DaemonState } from '@shared/snapshot';

export type SlotBox =
  | { kind: 'busy'; taskTitle: string; taskId: string }
  | { kind: 'rate_limited'; taskTitle: string; taskId: string; resumeAfter: number | null }
  | { kind: 'free' };

export function slotBoxes(daemon: Pick<DaemonSnapshot, 'slots' | 'maxConcurrent'>): SlotBox[] {
  const busy: SlotBox[] = [];
  const limited: SlotBox[] = [];
  for (const slot of daemon.slots) {
    if (slot.state === 'busy') busy.push({ kind: 'busy', taskTitle: slot.taskTitle, taskId: slot.taskId });
    else limited.push({ kind: 'rate_limited', taskTitle: slot.taskTitle, taskId: slot.taskId, resumeAfter: slot.resumeAfter });
  }
  // More sessions than slots can exist briefly after maxConcurrent is lowered: show them all.
  const free = Math.max(0, daemon.maxConcurrent - busy.length - limited.length);
  return [...busy, ...limited, ...Array.from({ length: free }, (): SlotBox => ({ kind: 'free' }))];
}

export const DAEMON_STATE_LABELS: Record<DaemonState, string> = {
  working: 'working',
  idle: 'idle',
  backing_off: 'backing off',
  paused: 'paused',
  error: 'error',
  unauthorized: 'unauthorized',
  stopped: 'stopped',
};
