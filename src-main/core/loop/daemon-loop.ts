/**
 * One daemon: a timer-driven tick over a task source and a pool of agents.
 *
 * The scheduling is the seed's (idle backoff ×1.5 to a cap, reset by work,
 * untouched while saturated, clamped to the nearest rate-limit resume,
 * separate error backoff), plus what the seed lacked: push wake (a source's
 * `watch` ticks now, and while push is healthy the timer is only a slow
 * reconcile), pause/wake that persist, jitter, and a tick record per tick.
 * The loop has exactly one catch, around the tick.
 */

import type { DaemonState, PushView } from '@shared/snapshot';
import type { DelayReason, TickRecord } from '@shared/ticks';
import { ErrorBackoff, IdleBackoff, type Random } from '../backoff';
import type { Clock } from '../clock';
import type { Notice } from '../core-api';
import { errorMessage, SourceError } from '../errors';
import type { Logger } from '../log';
import { RuntimePool } from '../pool';
import type { AgentRuntime, Availability } from '../runtimes/port';
import type { SessionStore } from '../sessions/session-store';
import type { TaskSource } from '../sources/port';
import { DEFAULT_PROBE_BACKOFF, type ProbeBackoff, type StateStore } from '../store/state-store';
import { isStorageFault } from '../store/storage-fault';
import type { TickLog } from '../store/tick-log';
import type { WorkspacePort } from '../workspace-port';
import { type LoopContext, runtimePauseKey, slotsInUse } from './context';
import { dispatch } from './dispatcher';
import { applyAgentEvent, applyExit } from './exits';
import { type LeaseHeartbeat, startLeaseHeartbeat } from './lease-heartbeat';
import { nearestResumeAt, planNextDelay } from './next-delay';
import { finishCompleting, killCancelled, reapOrphans, resumeRateLimited, watchReviews } from './phases';
import { releaseHeldTasks } from './release-on-quit';
import { RunningChecks } from './running-checks';

export interface LoopTuning {
  pollIntervalMs: number;
  maxIdleBackoffMs: number;
  maxConcurrent: number;
  jitter: boolean;
}

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

export class DaemonLoop {
  readonly name: string;
  readonly pool: RuntimePool;
  private readonly ctx: LoopContext;
  private tuning: LoopTuning;
  private readonly idle: IdleBackoff;
  private readonly checks: RunningChecks;
  private readonly errors: ErrorBackoff;
  private readonly random: Random;

  private running = false;
  private paused: boolean;
  private unauthorized: string | null = null;
  private cancelTimer: (() => void) | null = null;
  private ticking: Promise<void> | null = null;
  private tickRequested = false;
  private wakeRequested = false;
  private unwatch: (() => void) | null = null;
  private heartbeat: LeaseHeartbeat | null = null;
  private availability: Availability | null = null;
  private availabilityAt = -Infinity;
  private requestsSeen = 0;
  /** When push was last seen going down (sampled on every wake: each health change wakes the loop). */
  private pushDownSince: number | null = null;

  nextTickAt: number | null = null;
  lastTickAt: number | null = null;
  lastError: string | null = null;
  blockedReason: string | null = null;

  constructor(private readonly options: DaemonLoopOptions) {
    this.name = options.name;
    this.tuning = { ...options.tuning };
    this.random = options.random ?? Math.random;
    this.idle = new IdleBackoff(this.tuning.pollIntervalMs, this.tuning.maxIdleBackoffMs);
    this.checks = new RunningChecks(this.tuning.pollIntervalMs, this.tuning.maxIdleBackoffMs);
    this.errors = new ErrorBackoff(this.tuning.pollIntervalMs, this.tuning.jitter, this.random);
    this.paused = options.state.paused(options.name) ?? options.pausedByConfig;
    this.pool = new RuntimePool({
      daemon: options.name,
      runtime: options.runtime,
      sessions: options.sessions,
      clock: options.clock,
      logger: options.logger,
      logDir: options.logDir,
      runsDir: options.runsDir,
      onAgentEvent: (sessionId, event) => this.guard('agent event', () => applyAgentEvent(this.ctx, sessionId, event)),
      onExit: (run, outcome) => {
        this.guard('agent exit', () => applyExit(this.ctx, run, outcome));
        this.onSlotFreed();
      },
    });
    this.ctx = {
      daemon: options.name,
      runningChecks: this.checks,
      pauseKey: runtimePauseKey(options.runtime.name, options.name),
      source: options.source,
      runtime: options.runtime,
      sessions: options.sessions,
      pool: this.pool,
      state: options.state,
      workspaces: options.workspaces,
      clock: options.clock,
      logger: options.logger,
      probeBackoff: options.probeBackoff ?? DEFAULT_PROBE_BACKOFF,
      maxConcurrent: () => this.tuning.maxConcurrent,
      holdNewWork: () => this.paused || !this.running,
      notice: (n) => options.onNotice({ ...n, daemon: options.name }),
      log: (level, message) => options.logger.log(level, `loop[${options.name}]`, message),
    };
    this.requestsSeen = options.source.requestCount();
    // A probe that was running when Nightshift stopped will never report: its step may probe again.
    options.state.releaseProbe(this.ctx.pauseKey);
  }

  // ---------------------------------------------------------------- control

  start(): void {
    if (this.running) return;
    this.running = true;
    this.pushDownSince = this.options.clock.now();
    this.connectSource();
    if (!this.paused) this.schedule(0);
    this.options.onChange();
  }

  /** Push channels and lease renewals: the source traffic that runs beside the tick. */
  private connectSource(): void {
    this.unwatch ??=
      this.options.source.watch?.(() => {
        this.samplePush();
        this.checks.wake();
        this.requestTick();
      }) ?? null;
    this.heartbeat ??= startLeaseHeartbeat(this.ctx);
  }

  /** Unauthorized: every connection of this daemon stops, not only the tick (no login retried in the background). */
  private disconnectSource(): void {
    this.heartbeat?.stop();
    this.heartbeat = null;
    this.unwatch?.();
    this.unwatch = null;
  }

  /** Stops ticking and dispatching; running agents go on. Survives a restart. */
  pause(): void {
    this.paused = true;
    this.options.state.setPaused(this.name, true);
    this.clearTimer();
    this.ctx.log('info', 'paused');
    this.options.onChange();
  }

  /** Resumes, resets both backoffs and ticks now. Also retries after "unauthorized". */
  wake(): void {
    this.paused = false;
    this.options.state.setPaused(this.name, false);
    this.unauthorized = null;
    this.idle.reset();
    this.errors.reset();
    this.availabilityAt = -Infinity;
    // Wake also means "try the runtime again now" when it is paused by an environment failure.
    this.options.state.probeNow(this.ctx.pauseKey, this.options.clock.now());
    this.wakeRequested = true;
    this.ctx.log('info', 'woken');
    if (this.running) {
      this.connectSource();
      this.schedule(0);
    }
    this.options.onChange();
  }

  /**
   * The source's credentials changed (a token set or cleared in the tray
   * app's keychain; it is read at each request): a loop stopped as
   * unauthorized tries again now, and push reconnects so that it presents the
   * new token. Unlike wake, a paused daemon stays paused.
   */
  credentialsChanged(): void {
    const wasUnauthorized = this.unauthorized !== null;
    this.unauthorized = null;
    this.ctx.log('info', 'source credentials changed');
    if (this.running) {
      this.disconnectSource();
      this.connectSource();
      if (wasUnauthorized) this.errors.reset();
      if (!this.paused) this.schedule(0);
    }
    this.options.onChange();
  }

  /**
   * Stops the loop and asks every agent to stop; their sessions stay
   * resumable. With `keepAgents` (the database failed, so their outcome could
   * not be recorded) the agents run on, to be adopted by the next start.
   */
  async stop(options: StopOptions = {}): Promise<void> {
    this.halt();
    await this.ticking;
    if (!options.keepAgents) await this.pool.stopAll('shutdown');
    if (options.releaseTasks && !options.keepAgents) await releaseHeldTasks(this.ctx);
    await this.options.source.close?.();
  }

  /** No more ticks, pushes or lease renewals; agents untouched. */
  halt(): void {
    this.running = false;
    this.clearTimer();
    this.disconnectSource();
  }

  retune(tuning: LoopTuning): void {
    this.tuning = { ...tuning };
    this.idle.retune(tuning.pollIntervalMs, tuning.maxIdleBackoffMs);
    this.checks.retune(tuning.pollIntervalMs, tuning.maxIdleBackoffMs);
    this.errors.retune(tuning.pollIntervalMs);
    if (this.running && !this.paused) this.schedule(0);
    this.options.onChange();
  }

  // ---------------------------------------------------------------- state for views

  /** True between start() and stop(): false in an offline core that only reads the database. */
  get isRunning(): boolean {
    return this.running;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get currentTuning(): LoopTuning {
    return { ...this.tuning };
  }

  get runtimePauseKey(): string {
    return this.ctx.pauseKey;
  }

  get runtimeAvailability(): Availability | null {
    return this.availability;
  }

  /** Idle backoff step the next idle tick would wait (un-jittered). */
  get idleBackoffMs(): number {
    return this.idle.currentMs;
  }

  /**
   * What the daemon is doing, in the words the views use. An agent at work
   * wins over everything but a pause; a daemon waiting on healthy push is
   * idle whatever its idle curve says (it is not polling); `backing_off`
   * only while it polls with the curve above its base.
   */
  get state(): DaemonState {
    if (!this.running) return 'stopped';
    if (this.paused) return 'paused';
    if (this.unauthorized) return 'unauthorized';
    if (this.lastError) return 'error';
    if (this.pool.activeCount > 0) return 'working';
    if (this.push?.connected) return 'idle';
    return this.idle.currentMs > this.tuning.pollIntervalMs ? 'backing_off' : 'idle';
  }

  /** Push health of the source; null when it only polls. */
  get push(): PushView | null {
    if (!this.options.source.pushHealthy || !this.running) return null;
    // A source that only polls has no push to be down: say nothing rather than "down since start".
    if (this.options.source.pushChannel?.() === null) return null;
    this.samplePush();
    return { connected: this.pushDownSince === null, downSince: this.pushDownSince };
  }

  private samplePush(): void {
    const healthy = this.options.source.pushHealthy?.() === true;
    if (healthy) this.pushDownSince = null;
    else this.pushDownSince ??= this.options.clock.now();
  }

  // ---------------------------------------------------------------- scheduling

  /** A push from the source, or a queued task: tick now. */
  requestTick(): void {
    if (!this.running || this.paused || this.unauthorized) return;
    this.schedule(0);
  }

  /** The seed's onSlotFreed: reset the idle backoff and look for work now. */
  private onSlotFreed(): void {
    this.idle.reset();
    this.requestTick();
    this.options.onChange();
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    this.nextTickAt = this.options.clock.now() + delayMs;
    this.cancelTimer = this.options.clock.setTimer(() => {
      this.cancelTimer = null;
      this.runTick();
    }, delayMs);
  }

  private clearTimer(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.nextTickAt = null;
  }

  private runTick(): void {
    if (this.ticking) {
      this.tickRequested = true; // one more tick right after this one
      return;
    }
    this.ticking = this.tick().finally(() => {
      this.ticking = null;
      if (this.tickRequested) {
        this.tickRequested = false;
        this.requestTick();
      }
    });
  }

  // ---------------------------------------------------------------- the tick

  private async tick(): Promise<void> {
    if (!this.running || this.paused) return;
    const { clock } = this.options;
    const startedAt = clock.now();
    const byWake = this.wakeRequested;
    this.wakeRequested = false;
    this.samplePush();
    let dispatched = 0;
    let reason: DelayReason;
    let delayMs: number | null;
    let pendingReports = 0;

    try {
      await this.refreshAvailability(startedAt);
      const activeBefore = this.pool.activeCount;
      await killCancelled(this.ctx);
      await reapOrphans(this.ctx);
      const attempted = new Set<string>();
      await finishCompleting(this.ctx, attempted);
      await watchReviews(this.ctx);
      await resumeRateLimited(this.ctx);
      // Reviews approved or cancelled just now finish in the same tick.
      pendingReports = await finishCompleting(this.ctx, attempted);
      const reapedOrResumed = this.pool.activeCount !== activeBefore;

      if (slotsInUse(this.ctx) >= this.tuning.maxConcurrent) {
        // "No capacity", not "nothing to do": leave the idle backoff alone so a
        // full daemon does not speed up against a source that has no slot for it.
        reason = 'saturated';
        this.blockedReason = 'pool full';
      } else if (this.paused) {
        reason = 'idle';
      } else {
        const result = await dispatch(this.ctx, this.availability);
        dispatched = result.dispatched;
        this.blockedReason = result.blockedReason;
        if (dispatched > 0 || reapedOrResumed) {
          this.heartbeat?.rearm();
          this.idle.reset();
          reason = 'work';
        } else {
          this.idle.bump();
          reason = byWake ? 'wake' : 'idle';
        }
      }
      this.errors.reset();
      this.lastError = null;
      ({ delayMs, reason } = planNextDelay({
        reason,
        idleMs: this.idle.currentMs,
        reportsPending: pendingReports > 0,
        source: this.options.source,
        jitter: this.tuning.jitter,
        random: this.random,
        nearestResumeAt: nearestResumeAt(this.ctx),
        now: clock.now(),
      }));
    } catch (err) {
      reason = 'error';
      this.lastError = errorMessage(err);
      if (isStorageFault(err)) {
        // Nothing more this loop does can succeed; do not even record the tick.
        this.halt();
        this.options.onStorageFault?.(err);
        return;
      }
      if (err instanceof SourceError && err.kind === 'unauthorized') {
        // No further requests until the configuration changes (or a person presses Wake).
        this.unauthorized = this.lastError;
        delayMs = null;
        this.disconnectSource();
        this.ctx.notice({ kind: 'unauthorized', title: `${this.name}: unauthorized`, body: this.lastError });
      } else {
        delayMs = this.errors.onError(err).delayMs;
      }
      this.ctx.log('warn', `tick failed: ${this.lastError}`);
    }

    this.lastTickAt = startedAt;
    const tick = this.recordTick(startedAt, delayMs ?? 0, reason, dispatched);
    if (this.running && !this.paused && delayMs !== null) this.schedule(delayMs);
    else if (delayMs === null) this.clearTimer();
    this.options.onTick(tick);
    this.options.onChange();
  }

  /**
   * `--version` (and, where the CLI can tell offline, its login) on a TTL, and
   * before every environment probe: an unavailable runtime is an environment
   * failure like one seen in a run, paused and probed on the same backoff.
   */
  private async refreshAvailability(now: number): Promise<void> {
    const pause = this.options.state.runtimePause(this.ctx.pauseKey);
    const probeDue = pause?.kind === 'environment' && pause.pausedUntil <= now && !pause.probing;
    const ttlOver = now - this.availabilityAt >= (this.options.availabilityTtlMs ?? 5 * 60_000);
    if (!ttlOver && !probeDue) return;
    if (pause?.kind === 'environment' && pause.pausedUntil > now) return; // not before the next probe
    this.availabilityAt = now;
    try {
      this.availability = await this.options.runtime.checkAvailability();
    } catch (err) {
      this.availability = { available: false, reason: errorMessage(err) };
    }
    if (!this.availability.available) {
      const before = pause;
      const after = this.options.state.pauseForEnvironment(
        this.ctx.pauseKey,
        this.options.clock.now(),
        this.availability.reason,
        this.ctx.probeBackoff,
      );
      if (before?.kind !== 'environment' || before.reason !== after.reason) {
        this.ctx.notice({
          kind: 'runtime_unavailable',
          title: `${this.options.runtime.name} cannot run: ${after.reason}`,
          body: `Tasks wait in the queue. Next check at ${new Date(after.pausedUntil).toLocaleTimeString()}`,
        });
      }
    }
  }

  private recordTick(at: number, delayMs: number, reason: DelayReason, dispatched: number): TickRecord {
    // Requests made between ticks (push channels, lease renewals) are
    // attributed to the next tick, so the per-day totals are complete.
    const seen = this.options.source.requestCount();
    const tick: TickRecord = {
      daemon: this.name,
      at,
      delayMs: Math.round(delayMs),
      reason,
      requests: seen - this.requestsSeen,
      dispatched,
      active: this.pool.activeCount,
      rateLimited: slotsInUse(this.ctx) - this.pool.activeCount,
      max: this.tuning.maxConcurrent,
      error: this.lastError,
      // The step the idle curve is on after this tick: what the next idle wait was planned from.
      curveMs: reason === 'error' ? null : this.idle.currentMs,
      push: this.options.source.pushHealthy ? this.options.source.pushHealthy() : null,
    };
    this.requestsSeen = seen;
    this.guard('recording a tick', () => this.options.ticks.record(tick));
    return tick;
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.ctx.log('error', `${what}: ${errorMessage(err)}`);
      if (isStorageFault(err)) {
        this.halt();
        this.options.onStorageFault?.(err);
      }
    }
  }
}
