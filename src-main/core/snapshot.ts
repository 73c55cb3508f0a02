/**
 * The picture every view draws: one DaemonSnapshot per loop, derived on
 * demand from the loop's memory and the database (nothing here is stored).
 */

import type { TuningKey } from '@shared/settings';
import type { DaemonSnapshot, SlotView } from '@shared/snapshot';
import type { DaemonLoop } from './loop/daemon-loop';
import type { SessionStore } from './sessions/session-store';
import type { LocalTaskQueue } from './sources/local-queue';
import type { TaskSource } from './sources/port';
import type { StateStore } from './store/state-store';
import { type TickLog, utcDay } from './store/tick-log';

export interface SnapshotDeps {
  sessions: SessionStore;
  queue: LocalTaskQueue;
  ticks: TickLog;
  state: StateStore;
  now: number;
  /** Tuning keys whose stored value overrides the config file. */
  overridden: TuningKey[];
}

/** `localQueue`: the queue name when the daemon's source is the local queue. */
export function daemonSnapshot(
  loop: DaemonLoop,
  source: TaskSource,
  deps: SnapshotDeps,
  localQueue: string | null = null,
): DaemonSnapshot {
  const tuning = loop.currentTuning;
  const slots: SlotView[] = loop.pool.running().map((r) => ({
    sessionId: r.sessionId,
    taskId: r.taskId,
    taskTitle: r.taskTitle,
    state: 'busy',
    since: r.startedAt,
    resumeAfter: null,
  }));
  for (const s of deps.sessions.listByDaemon(loop.name, ['rate_limited'])) {
    slots.push({
      sessionId: s.id,
      taskId: s.taskId,
      taskTitle: s.taskTitle,
      state: 'rate_limited',
      since: s.updatedAt,
      resumeAfter: s.resumeAfter,
    });
  }
  const availability = loop.runtimeAvailability;
  const pause = deps.state.runtimePause(loop.runtimePauseKey);
  const requestsToday = deps.ticks.requestsOn(loop.name, deps.now);
  const sinceFirstTick = deps.ticks.firstTickOn(loop.name, deps.now);
  const fixedRequests = sinceFirstTick === null ? 0 : Math.floor((deps.now - sinceFirstTick) / tuning.pollIntervalMs) + 1;
  const push = loop.push;
  return {
    name: loop.name,
    state: loop.state,
    paused: loop.isPaused,
    sourceKind: source.kind,
    pushHealthy: push?.connected === true,
    push,
    runtime: {
      name: loop.pool.runtimeName,
      available: availability?.available ?? true,
      reason: availability && !availability.available ? availability.reason : null,
      pausedUntil: pause && pause.pausedUntil > deps.now ? pause.pausedUntil : null,
      // An environment pause stays until a probe succeeds, also once its probe time has come.
      pauseKind: pause && (pause.kind === 'environment' || pause.pausedUntil > deps.now) ? pause.kind : null,
      pauseReason: pause && (pause.kind === 'environment' || pause.pausedUntil > deps.now) ? pause.reason : null,
      version: availability?.available ? (availability.version ?? null) : null,
    },
    maxConcurrent: tuning.maxConcurrent,
    pollIntervalMs: tuning.pollIntervalMs,
    maxIdleBackoffMs: tuning.maxIdleBackoffMs,
    jitter: tuning.jitter,
    slots,
    nextTickAt: loop.nextTickAt,
    lastTickAt: loop.lastTickAt,
    lastError: loop.lastError,
    blockedReason: loop.blockedReason,
    requestsToday,
    savedToday: Math.max(0, fixedRequests - requestsToday),
    overridden: deps.overridden,
    lastFailure: deps.sessions.lastFailure(loop.name),
    queue: localQueue,
    queueDepth: localQueue === null ? heldWork(deps.sessions, loop.name) : deps.queue.depth(localQueue),
  };
}

/** A remote source's depth as far as this daemon knows it without asking: what it holds. */
function heldWork(sessions: SessionStore, daemon: string): DaemonSnapshot['queueDepth'] {
  const working = sessions.listByDaemon(daemon, ['claiming', 'active', 'interrupted', 'rate_limited', 'completing']).length;
  return { todo: null, inProgress: working, inReview: sessions.listByDaemon(daemon, ['in_review']).length };
}

export { utcDay };
