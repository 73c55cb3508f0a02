/** The live picture of every daemon that the core pushes to the views. */
import type { TuningKey } from './settings';

/**
 * working: an agent holds a slot. idle: nothing to do (waiting on push, or
 * polling at the base interval). backing_off: polling, with the idle curve
 * above its base. stopped: no instance runs these loops (offline status).
 */
export const DAEMON_STATES = ['working', 'idle', 'backing_off', 'paused', 'error', 'unauthorized', 'stopped'] as const;
export type DaemonState = (typeof DAEMON_STATES)[number];

/** A push channel's health; null on a DaemonSnapshot whose source only polls. */
export interface PushView {
  connected: boolean;
  /** Epoch ms since when push has been down (the daemon polls meanwhile); null while connected. */
  downSince: number | null;
}

/** The newest failed run of a daemon, for "last failure" displays. */
export interface FailureView {
  sessionId: string;
  taskId: string;
  taskTitle: string;
  /** The whole reason as recorded (views show its first line). */
  reason: string;
  /** Epoch ms. */
  at: number;
}

/** Todo tasks no daemon of this instance can take, grouped by what they ask for. */
export interface BlockedTasks {
  queue: string;
  /** The runtime the tasks ask for; null when any runtime would do. */
  runtime: string | null;
  count: number;
  /** Why no daemon takes them: unknown queue, unknown runtime, runtime unavailable, daemon paused. */
  reason: string;
}

export interface SlotView {
  sessionId: string;
  taskId: string;
  taskTitle: string;
  state: 'busy' | 'rate_limited';
  since: number;
  resumeAfter: number | null;
}

export interface RuntimeView {
  name: string;
  available: boolean;
  reason: string | null;
  /** Epoch ms until which the whole runtime is paused (rate limit, or the next environment probe). */
  pausedUntil: number | null;
  /** Why the runtime is paused: a usage limit, or an environment failure being probed on a backoff. */
  pauseKind?: 'rate_limit' | 'environment' | null;
  /** The pause's reason (e.g. "Not logged in · Please run /login"), null when not paused. */
  pauseReason?: string | null;
  /** The CLI's `--version` when known. */
  version?: string | null;
}

export interface DaemonSnapshot {
  name: string;
  state: DaemonState;
  paused: boolean;
  sourceKind: string;
  /** Same as `push?.connected === true`; kept for older views. */
  pushHealthy: boolean;
  push: PushView | null;
  runtime: RuntimeView;
  maxConcurrent: number;
  pollIntervalMs: number;
  maxIdleBackoffMs: number;
  jitter: boolean;
  slots: SlotView[];
  /** Epoch ms of the next scheduled tick, null when paused. */
  nextTickAt: number | null;
  lastTickAt: number | null;
  lastError: string | null;
  /** Why the last tick did not dispatch, when it did not ("pool full", ...). */
  blockedReason: string | null;
  requestsToday: number;
  /** Requests a fixed pollIntervalMs poll would have made today, minus requestsToday. */
  savedToday: number;
  /** Tuning values saved from a view that override the config file (see `resetDaemonTuning`). */
  overridden: TuningKey[];
  lastFailure: FailureView | null;
  /** The local queue this daemon takes tasks from; null for remote sources. */
  queue: string | null;
  /**
   * Work waiting and under way. For a local queue, its tasks by status; for a
   * remote source only what this daemon holds (todo is null: counting it
   * would cost a request).
   */
  queueDepth: { todo: number | null; inProgress: number; inReview: number };
}

export interface Snapshot {
  at: number;
  /** false: no instance runs the loops (read from the database); every daemon is `stopped`. */
  live: boolean;
  daemons: DaemonSnapshot[];
  blockedTasks: BlockedTasks[];
}
