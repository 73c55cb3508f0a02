/** What a DaemonLoop is built from, and how it may be stopped. */
import type { TuningValues } from '@shared/settings';
import type { TickRecord } from '@shared/ticks';
import type { Random } from '../backoff';
import type { Clock } from '../clock';
import type { Notice } from '../core-events';
import type { Logger } from '../log';
import type { AgentRuntime } from '../runtimes/port';
import type { SessionStore } from '../sessions/session-store';
import type { TaskSource } from '../sources/port';
import type { ProbeBackoff, StateStore } from '../store/state-store';
import type { TickLog } from '../store/tick-log';
import type { WorkspacePort } from '../workspace-port';

/** A daemon's tuning as the loop uses it (limits: src-shared/tuning.ts). */
export type LoopTuning = TuningValues;

export interface StopOptions {
  /** Leave the agents running (a storage fault: their outcomes could not be recorded). */
  keepAgents?: boolean;
  /**
   * A quit that is not a restart (the user quits, the daemon leaves the
   * config): give a remote source's tasks back so another worker can take
   * them. A restart keeps them, to resume here.
   */
  releaseTasks?: boolean;
}

export interface DaemonLoopOptions {
  name: string;
  tuning: LoopTuning;
  /** The config's `paused`; a stored pause/wake from an earlier run wins. */
  pausedByConfig: boolean;
  source: TaskSource;
  runtime: AgentRuntime;
  sessions: SessionStore;
  ticks: TickLog;
  state: StateStore;
  workspaces: WorkspacePort;
  clock: Clock;
  logger: Logger;
  logDir: string;
  /** Run folders (agent output and exit records); default `runs` next to `logDir`. */
  runsDir?: string;
  random?: Random;
  /** Re-check runtime availability this often (a CLI may get installed or logged in). */
  availabilityTtlMs?: number;
  /** Probe backoff of an environment-paused runtime (1 min doubling to 30 min by default). */
  probeBackoff?: ProbeBackoff;
  onChange(): void;
  onTick(tick: TickRecord): void;
  onNotice(notice: Notice): void;
  /** The database is damaged or unwritable (store/storage-fault.ts): the supervisor halts every loop. */
  onStorageFault?(err: unknown): void;
}
