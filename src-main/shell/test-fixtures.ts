/**
 * Snapshots for the shell's unit tests (not shipped: only *.test.ts files
 * import this). The daemon builder is the dashboard's, so that both shells'
 * tests draw the same picture.
 */
import type { DaemonSnapshot, SlotView, Snapshot } from '../core/types';

export { fakeDaemon as daemon } from '../headless/dashboard/testing/fake-core';

export function slot(state: SlotView['state'], id = 's1'): SlotView {
  return { sessionId: id, taskId: `t-${id}`, taskTitle: `task ${id}`, state, since: 0, resumeAfter: null };
}

export function snapshotOf(...daemons: DaemonSnapshot[]): Snapshot {
  return { at: 1_000_000, live: true, daemons, blockedTasks: [] };
}
