/**
 * What the contract handlers (handlers.ts) need of the running core: the
 * daemons' loops, the stores they read, the views' data and run-time tuning.
 * The Supervisor satisfies it; nothing else of the Supervisor is reachable
 * from a request.
 */
import type { Settings, TuningKey } from '@shared/settings';
import type { Snapshot } from '@shared/snapshot';
import type { CoreEvents } from '../core/core-events';
import type { DaemonLoop, LoopTuning } from '../core/loop/daemon-loop';
import type { SessionStore } from '../core/sessions/session-store';
import type { LocalTaskQueue } from '../core/sources/local-queue';
import type { StateStore } from '../core/store/state-store';
import type { TickLog } from '../core/store/tick-log';
import type { RouteTarget } from '../core/task-routing';

export interface HandledDaemon {
  readonly loop: Pick<DaemonLoop, 'pause' | 'wake'>;
}

export interface HandledCore {
  readonly daemons: ReadonlyMap<string, HandledDaemon>;
  readonly sessions: Pick<SessionStore, 'list' | 'get' | 'events' | 'listActiveSince'>;
  /** Whole: adding and listing tasks (core/local-tasks.ts) work on the queue itself. */
  readonly queue: LocalTaskQueue;
  readonly ticks: Pick<TickLog, 'list'>;
  readonly state: Pick<StateStore, 'appSettings' | 'setAppSettings'>;
  snapshot(): Snapshot;
  settings(): Settings;
  routeTargets(): RouteTarget[];
  retune(name: string, patch: Partial<LoopTuning>): void;
  resetTuning(name: string, keys?: readonly TuningKey[]): void;
  /** Handlers announce changed settings to every view. */
  emit(event: 'settings', payload: CoreEvents['settings']): void;
}
