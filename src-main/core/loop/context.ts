/**
 * What the tick phases share. One object per daemon, built by DaemonLoop, so
 * that each phase is a plain function that can be read (and tested) alone.
 */

import type { SessionRow } from '@shared/sessions';
import type { Clock } from '../clock';
import type { Notice } from '../core-events';
import type { Logger } from '../log';
import type { RuntimePool } from '../pool';
import type { AgentRuntime } from '../runtimes/port';
import type { SessionStore } from '../sessions/session-store';
import type { TaskSource } from '../sources/port';
import { DEFAULT_PROBE_BACKOFF, type ProbeBackoff, type StateStore } from '../store/state-store';
import type { WorkspacePort } from '../workspace-port';
import type { DaemonLoopOptions } from './options';
import type { RunningChecks } from './running-checks';

export const RATE_LIMIT_RESUME_PROMPT = 'Rate limit window has reset. Continue working on the task where you left off.';
export const INTERRUPTED_RESUME_PROMPT =
  'Nightshift restarted while you were working. Continue working on the task where you left off.';
/** A parked session taken over (sessions/parked.ts): given back after a login or network failure, a quit, or no free slot. */
export const PARKED_RESUME_PROMPT =
  'Your previous run of this task was stopped before it finished, and the task was put back in the queue. Continue working on the task where you left off.';
export const rejectionPrompt = (reason: string) =>
  `Task rejected. Reason: ${reason}\n\nPlease fix the issues and submit for review again.`;

export interface LoopContext {
  readonly daemon: string;
  /** Whose rate limit this daemon shares (see runtimePauseKey). */
  readonly pauseKey: string;
  readonly source: TaskSource;
  readonly runtime: AgentRuntime;
  readonly sessions: SessionStore;
  readonly pool: RuntimePool;
  readonly state: StateStore;
  readonly workspaces: WorkspacePort;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often an environment-paused runtime is probed. */
  readonly probeBackoff: ProbeBackoff;
  /** When to ask the source about each running task (running-checks.ts). */
  readonly runningChecks: RunningChecks;
  maxConcurrent(): number;
  /** Paused or stopping: start no new agent. */
  holdNewWork(): boolean;
  notice(notice: Omit<Notice, 'daemon'>): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
}

/** The context of one daemon's loop: its options, plus the parts and live answers the loop owns. */
export function createLoopContext(
  options: DaemonLoopOptions,
  parts: Pick<LoopContext, 'pool' | 'runningChecks' | 'maxConcurrent' | 'holdNewWork'>,
): LoopContext {
  return {
    daemon: options.name,
    pauseKey: runtimePauseKey(options.runtime.name, options.name),
    source: options.source,
    runtime: options.runtime,
    sessions: options.sessions,
    state: options.state,
    workspaces: options.workspaces,
    clock: options.clock,
    logger: options.logger,
    probeBackoff: options.probeBackoff ?? DEFAULT_PROBE_BACKOFF,
    ...parts,
    notice: (n) => options.onNotice({ ...n, daemon: options.name }),
    log: (level, message) => options.logger.log(level, `loop[${options.name}]`, message),
  };
}

/**
 * An agent CLI's usage limit belongs to the account, so every daemon running
 * "claude" pauses together; a plain command's limit is its own daemon's.
 */
export function runtimePauseKey(runtime: string, daemon: string): string {
  return runtime === 'command' ? `command:${daemon}` : runtime;
}

/** Slots in use: running agents plus rate-limited sessions waiting to resume the same conversation. */
export function slotsInUse(ctx: LoopContext): number {
  return ctx.pool.activeCount + ctx.sessions.listByDaemon(ctx.daemon, ['rate_limited']).length;
}

export function openSessions(ctx: LoopContext, states: SessionRow['state'][]): SessionRow[] {
  return ctx.sessions.listByDaemon(ctx.daemon, states);
}
