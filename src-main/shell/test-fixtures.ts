/**
 * Snapshots for the shell's unit tests (not shipped: only
 * *.test.ts files import this).
 */
import type { DaemonSnapshot, SlotView, Snapshot } from '../core/types';

export function daemon(name: string, over: Partial<DaemonSnapshot> = {}): DaemonSnapshot {
  return {
    name,
    state: 'running',
    paused: false,
    sourceKind: 'local',
    pushHealthy: true,
    runtime: { name: 'command', available: true, reason: null, pausedUntil: null },
    maxConcurrent: 2,
    pollIntervalMs: 10_000,
    maxIdleBackoffMs: 120_000,
    jitter: false,
    slots: [],
    nextTickAt: null,
    lastTickAt: null,
    lastError: null,
    blockedReason: null,
    requestsToday: 0,
    savedToday: 0,
    ...over,
  };
}

export function slot(state: SlotView['state'], id = 's1'): SlotView {
  return { sessionId: id, taskId: `t-${id}`, taskTitle: `task ${id}`, state, since: 0, resumeAfter: null };
}

export function snapshotOf(...daemons: DaemonSnapshot[]): Snapshot {
  return { at: 1_000_000, daemons };
}
