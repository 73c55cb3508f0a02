/**
 * Runs N daemons over one database and turns their state into events: typed
 * events, the views' data, run-time tuning and an orderly stop. The shells
 * hold it as a NightshiftCore (src-main/api/create-core.ts), whose contract
 * handlers (api/handlers.ts) reach it through a narrow interface.
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { Settings, TuningValues } from '@shared/settings';
import { TUNING_KEYS, type TuningKey } from '@shared/settings';
import type { Snapshot } from '@shared/snapshot';
import type { Clock } from './clock';
import type { DaemonConfig, NightshiftConfig } from './config';
import type { CoreEventName, CoreEvents } from './core-events';
import { errorMessage } from './errors';
import { createAgentRuntime, createSource } from './factories';
import type { Logger } from './log';
import { DaemonLoop, type LoopTuning } from './loop/daemon-loop';
import { reconcileRuns } from './reconcile';
import type { SecretStore } from './secret-port';
import { pruneSessionLogs } from './sessions/session-logs';
import { SessionStore } from './sessions/session-store';
import { OPEN_STATES } from './sessions/transitions';
import { daemonSnapshot } from './snapshot';
import { LocalTaskQueue } from './sources/local-queue';
import type { TaskSource } from './sources/port';
import { backupIfDue } from './store/backup';
import type { Db } from './store/db';
import { StateStore } from './store/state-store';
import { DOCTOR_HINT, isStorageFault } from './store/storage-fault';
import { TickLog } from './store/tick-log';
import { type RouteTarget, whyNoDaemonTakes } from './task-routing';
import { createWorkspacePort } from './workspace/port';
import { workspaceRootFor } from './workspace/root';

/** Ended sessions and finished local tasks are kept this long for the views. */
export const SESSION_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
export const PRUNE_EVERY_MS = 60 * 60 * 1000;
const SNAPSHOT_THROTTLE_MS = 150;
/** How often the daily backup checks whether today's file exists. */
export const BACKUP_CHECK_MS = 60 * 60 * 1000;

export interface SupervisorOptions {
  db: Db;
  config: NightshiftConfig;
  dataDir: string;
  clock: Clock;
  logger: Logger;
  /** The tray app's keychain (tokenSecret); none in the CLI. */
  secrets?: SecretStore;
}

interface Daemon {
  config: DaemonConfig;
  loop: DaemonLoop;
  source: TaskSource;
}

export class Supervisor {
  readonly sessions: SessionStore;
  readonly queue: LocalTaskQueue;
  readonly ticks: TickLog;
  readonly state: StateStore;
  readonly daemons = new Map<string, Daemon>();
  private readonly events = new EventEmitter();
  private cancelSnapshot: (() => void) | null = null;
  private cancelPrune: (() => void) | null = null;
  private cancelBackup: (() => void) | null = null;
  private started = false;
  private stopped = false;
  /** Set once the database failed; the loops are halted from then on. */
  storageFault: string | null = null;

  constructor(private readonly options: SupervisorOptions) {
    const { db, clock, logger, dataDir } = options;
    const now = () => clock.now();
    this.events.setMaxListeners(0);
    this.sessions = new SessionStore(db, now);
    this.queue = new LocalTaskQueue(db, now);
    this.ticks = new TickLog(db);
    this.state = new StateStore(db);
    this.sessions.onChange((row) => {
      this.emit('session', row);
      this.snapshotSoon();
    });
    const workspaceRoot = workspaceRootFor(options.config.workspaceRoot);
    for (const config of options.config.daemons) {
      const deps = { queue: this.queue, clock, logger, ...(options.secrets ? { secrets: options.secrets } : {}) };
      const source = createSource(config, deps);
      // A task from a remote source names its directory only under workspaceRoots; a local task is the user's own.
      const workspaces = createWorkspacePort({
        baseDir: workspaceRoot,
        logger,
        ...(config.source.kind === 'local' ? {} : { allowedRoots: options.config.workspaceRoots }),
      });
      const runtime = createAgentRuntime(config, deps);
      const loop = new DaemonLoop({
        name: config.name,
        tuning: this.effectiveTuning(config),
        pausedByConfig: config.paused,
        source,
        runtime,
        sessions: this.sessions,
        ticks: this.ticks,
        state: this.state,
        workspaces,
        clock,
        logger,
        logDir: join(dataDir, 'logs'),
        runsDir: this.runsDir,
        onChange: () => this.snapshotSoon(),
        onTick: (tick) => this.emit('tick', tick),
        onNotice: (notice) => this.emit('notice', notice),
        onStorageFault: (err) => this.onStorageFault(err),
      });
      this.daemons.set(config.name, { config, loop, source });
    }
  }

  private get runsDir(): string {
    return join(this.options.dataDir, 'runs');
  }

  /**
   * Adopts the agents a crashed run left (alive, or finished while we were
   * down), kills those it cannot adopt, prunes history, then starts every loop.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { adopt } = await reconcileRuns({
      runsDir: this.runsDir,
      openSessions: this.sessions.list({ states: OPEN_STATES, limit: 100_000 }),
      canAdopt: (session) => this.daemons.get(session.daemon)?.loop.pool.canAdopt ?? false,
      logger: this.options.logger,
    });
    for (const { session, run } of adopt) this.daemons.get(session.daemon)?.loop.pool.adopt(session, run);
    this.prune();
    await this.backup();
    for (const { loop } of this.daemons.values()) loop.start();
    this.snapshotSoon();
  }

  async stop(options: { agentGraceMs?: number; releaseTasks?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.cancelSnapshot?.();
    this.cancelPrune?.();
    this.cancelBackup?.();
    // After a storage fault the agents' outcomes could not be recorded: leave them running for the next start to adopt.
    const keepAgents = this.storageFault !== null;
    const releaseTasks = options.releaseTasks === true;
    const stops = Promise.all([...this.daemons.values()].map(({ loop }) => loop.stop({ keepAgents, releaseTasks })));
    // Agents get SIGTERM then SIGKILL from their runtime; this bound only
    // keeps a wedged source from holding the quit forever.
    const bound = (options.agentGraceMs ?? 5_000) + 10_000;
    await Promise.race([stops, new Promise((r) => setTimeout(r, bound).unref())]);
    this.options.db.close();
  }

  sourceCredentialsChanged(daemon: string): void {
    this.daemons.get(daemon)?.loop.credentialsChanged();
  }

  on<E extends CoreEventName>(event: E, listener: (payload: CoreEvents[E]) => void): () => void {
    this.events.on(event, listener);
    return () => this.events.off(event, listener);
  }

  snapshot(): Snapshot {
    const now = this.options.clock.now();
    const base = { sessions: this.sessions, ticks: this.ticks, state: this.state, queue: this.queue, now };
    const daemons = [...this.daemons.values()].map(({ loop, source, config }) =>
      daemonSnapshot(
        loop,
        source,
        { ...base, overridden: this.overriddenKeys(config.name) },
        config.source.kind === 'local' ? config.source.queue : null,
      ),
    );
    return { at: now, live: this.started && !this.stopped, daemons, blockedTasks: this.blockedTasks() };
  }

  /** Every daemon as task routing sees it (queue, runtime, paused, availability). */
  routeTargets(): RouteTarget[] {
    return [...this.daemons.values()].map(({ config, loop }) => {
      const availability = loop.runtimeAvailability;
      return {
        name: config.name,
        queue: config.source.kind === 'local' ? config.source.queue : null,
        runtime: loop.pool.runtimeName,
        paused: loop.isPaused,
        unavailable: availability && !availability.available ? availability.reason : null,
      };
    });
  }

  private blockedTasks(): Snapshot['blockedTasks'] {
    const targets = this.routeTargets();
    if (targets.length === 0) return [];
    const blocked: Snapshot['blockedTasks'] = [];
    for (const group of this.queue.todoGroups()) {
      const reason = whyNoDaemonTakes(group, targets);
      if (reason) blocked.push({ ...group, reason });
    }
    return blocked;
  }

  settings(): Settings {
    return {
      app: this.state.appSettings(),
      daemons: [...this.daemons.values()].map(({ loop, config }) => ({
        name: loop.name,
        ...loop.currentTuning,
        overridden: this.overriddenKeys(config.name),
        configured: configuredTuning(config),
      })),
    };
  }

  /** Tuning keys saved from a view whose value differs from the config file's. */
  overriddenKeys(name: string): TuningKey[] {
    const daemon = this.daemons.get(name);
    if (!daemon) return [];
    const stored = this.state.tuning(name);
    const configured = configuredTuning(daemon.config);
    return TUNING_KEYS.filter((key) => stored[key] !== undefined && stored[key] !== configured[key]);
  }

  /** Forgets stored overrides (the given keys, or all): the config file's values apply again. */
  resetTuning(name: string, keys: readonly TuningKey[] = TUNING_KEYS): void {
    const daemon = this.daemons.get(name);
    if (!daemon) return;
    const stored = { ...this.state.tuning(name) };
    for (const key of keys) delete stored[key];
    this.state.setTuning(name, stored);
    daemon.loop.retune(this.effectiveTuning(daemon.config));
  }

  /** Applies and persists per-daemon tuning on top of the config file. */
  retune(name: string, patch: Partial<LoopTuning>): void {
    const daemon = this.daemons.get(name);
    if (!daemon) return;
    const next = { ...daemon.loop.currentTuning, ...patch };
    if (next.maxIdleBackoffMs < next.pollIntervalMs) next.maxIdleBackoffMs = next.pollIntervalMs;
    this.state.setTuning(name, { ...this.state.tuning(name), ...patch });
    daemon.loop.retune(next);
  }

  emit<E extends CoreEventName>(event: E, payload: CoreEvents[E]): void {
    for (const listener of this.events.listeners(event)) {
      try {
        (listener as (p: CoreEvents[E]) => void)(payload);
      } catch (err) {
        this.options.logger.log('error', 'supervisor', `a ${event} listener threw: ${errorMessage(err)}`);
      }
    }
  }

  /** Coalesces bursts of changes into one snapshot event. */
  snapshotSoon(): void {
    if (this.cancelSnapshot || this.stopped) return;
    this.cancelSnapshot = this.options.clock.setTimer(() => {
      this.cancelSnapshot = null;
      if (this.stopped || this.storageFault) return;
      try {
        this.emit('snapshot', this.snapshot());
      } catch (err) {
        // A timer has no caller to throw to: a failing database must not take the process down.
        if (isStorageFault(err)) this.onStorageFault(err);
        else this.options.logger.log('error', 'supervisor', `snapshot failed: ${errorMessage(err)}`);
      }
    }, SNAPSHOT_THROTTLE_MS);
  }

  private effectiveTuning(config: DaemonConfig): LoopTuning {
    const stored = this.state.tuning(config.name);
    const tuning = {
      pollIntervalMs: stored.pollIntervalMs ?? config.pollIntervalMs,
      maxIdleBackoffMs: stored.maxIdleBackoffMs ?? config.maxIdleBackoffMs,
      maxConcurrent: stored.maxConcurrent ?? config.maxConcurrent,
      jitter: stored.jitter ?? config.jitter,
    };
    if (tuning.maxIdleBackoffMs < tuning.pollIntervalMs) tuning.maxIdleBackoffMs = tuning.pollIntervalMs;
    return tuning;
  }

  /**
   * The database is damaged or cannot be written: say so at once, stop every
   * loop (no more claims, reports or ticks) and tell the person what to run.
   * Agents keep running; their runs are adopted after the repair.
   */
  private onStorageFault(err: unknown): void {
    if (this.storageFault) return;
    this.storageFault = errorMessage(err);
    const { logger } = this.options;
    logger.log('error', 'storage', `the database failed: ${this.storageFault}; every loop is stopped. ${DOCTOR_HINT}`);
    for (const { loop } of this.daemons.values()) loop.halt();
    this.cancelPrune?.();
    this.cancelBackup?.();
    this.emit('notice', {
      kind: 'storage_fault',
      daemon: '*',
      title: 'Nightshift stopped: its database failed',
      body: `${this.storageFault}. ${DOCTOR_HINT}.`,
    });
  }

  /** Today's backup if there is none yet (see store/backup.ts), then again in an hour. */
  private async backup(): Promise<void> {
    const { clock, logger, db, dataDir } = this.options;
    try {
      const written = await backupIfDue(db, dataDir, clock.now());
      if (written) logger.log('info', 'storage', `backed up the database to ${written}`);
    } catch (err) {
      if (isStorageFault(err)) this.onStorageFault(err);
      else logger.log('warn', 'storage', `backup failed: ${errorMessage(err)}`);
    }
    if (this.stopped || this.storageFault) return;
    this.cancelBackup = clock.setTimer(() => void this.backup(), BACKUP_CHECK_MS);
  }

  /** The log files of sessions whose rows are gone; a failure is retried at the next prune. */
  private async pruneLogs(now: number): Promise<void> {
    const { logger, dataDir } = this.options;
    try {
      const removed = await pruneSessionLogs(join(dataDir, 'logs'), (id) => this.sessions.get(id) !== null, now);
      if (removed > 0) logger.log('info', 'supervisor', `removed ${removed} log file(s) of sessions past retention`);
    } catch (err) {
      // Stopping closes the database under a sweep in flight: nothing to say then.
      if (!this.stopped) logger.log('warn', 'supervisor', `removing old session logs failed: ${errorMessage(err)}`);
    }
  }

  private prune(): void {
    const now = this.options.clock.now();
    try {
      this.ticks.prune(now);
      this.sessions.pruneEnded(now - SESSION_RETENTION_MS);
      this.queue.pruneFinished(now - SESSION_RETENTION_MS);
      void this.pruneLogs(now);
    } catch (err) {
      if (isStorageFault(err)) {
        this.onStorageFault(err);
        return;
      }
      this.options.logger.log('warn', 'supervisor', `pruning history failed: ${errorMessage(err)}`);
    }
    this.cancelPrune = this.options.clock.setTimer(() => this.prune(), PRUNE_EVERY_MS);
  }
}

function configuredTuning(config: DaemonConfig): TuningValues {
  return {
    pollIntervalMs: config.pollIntervalMs,
    maxIdleBackoffMs: config.maxIdleBackoffMs,
    maxConcurrent: config.maxConcurrent,
    jitter: config.jitter,
  };
}
