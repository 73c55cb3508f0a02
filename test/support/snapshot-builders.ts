/**
 * Snapshots for the shell's unit tests (test kit, never shipped). The
 * daemon builder is the dashboard's fake core's, so that both shells'
 * tests draw the same picture.
 */
import type { DaemonSnapshot, SlotView, Snapshot } from '@shared/snapshot';

export { fakeDaemon as daemon } from './fake-core';

export function slot(state: SlotView['state'], id = 's1'): SlotView {
  return { sessionId: id, taskId: `t-${id}`, taskTitle: `task ${id}`, state, since: 0, resumeAfter: null };
}

export function snapshotOf(...daemons: DaemonSnapshot[]): Snapshot {
  return { at: 1_000_000, live: true, daemons, blockedTasks: [] };
}
