/**
 * One daemon: a timer-driven tick over a task source and a pool of agents.
 *
 * The scheduling policy (idle backoff ×1.5 to a cap and the rules that reset,
 * bump or hold it) is src-shared/backoff-curve.ts; the delay after a tick is
 * planned in next-delay.ts (push reconcile, jitter, the clamp to the nearest
 * rate-limit resume), the error backoff is ../backoff.ts. Beyond that: push
 * wake (a source's `watch` ticks now, and while push is healthy the timer is
 * only a slow reconcile), pause/wake that persist, and a tick record per
 * tick. The loop has exactly one catch, around the tick.
 */
import { curveMove } from '@shared/backoff-curve';
import type { DaemonState, PushView } from '@shared/snapshot';
import type { DelayReason } from '@shared/ticks';
import { ErrorBackoff, IdleBackoff, type Random } from '../backoff';
import { errorMessage, SourceError } from '../errors';
import { RuntimePool } from '../pool';
import type { Availability } from '../runtimes/port';
import { isStorageFault } from '../store/storage-fault';
import { AvailabilityCheck } from './availability-check';
import { createLoopContext, type LoopContext } from './context';
import { applyAgentEvent, applyExit } from './exits';
import type { DaemonLoopOptions, LoopTuning, StopOptions } from './options';
import { PushHealth } from './push-health';
import { releaseHeldTasks } from './release-on-quit';
import { RunningChecks } from './running-checks';
import { SourceLink } from './source-link';
import { TickRecorder } from './tick-recorder';
import { TickTimer } from './tick-timer';
import { workTick } from './work-tick';

export type { DaemonLoopOptions, LoopTuning, StopOptions } from './options';

export class DaemonLoop {
  readonly name: string;
  readonly pool: RuntimePool;
  private readonly ctx: LoopContext;
  private tuning: LoopTuning;
  private readonly idle: IdleBackoff;
  private readonly checks: RunningChecks;
  private readonly errors: ErrorBackoff;
  private readonly random: Random;
  private readonly timer: TickTimer;
  private readonly pushHealth: PushHealth;
  private readonly availability: AvailabilityCheck;
  private readonly recorder: TickRecorder;
  private readonly link: SourceLink;

  private running = false;
  private paused: boolean;
  private unauthorized: string | null = null;
  private wakeRequested = false;

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
    this.timer = new TickTimer(
      options.clock,
      () => this.tick(),
      () => this.requestTick(),
    );
    this.pushHealth = new PushHealth(options.source, options.clock);
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
    this.ctx = createLoopContext(options, {
      pool: this.pool,
      runningChecks: this.checks,
      maxConcurrent: () => this.tuning.maxConcurrent,
      holdNewWork: () => this.paused || !this.running,
    });
    this.availability = new AvailabilityCheck(this.ctx, options.availabilityTtlMs);
    this.recorder = new TickRecorder(this.ctx);
    this.link = new SourceLink(this.ctx, () => {
      this.pushHealth.sample();
      this.checks.wake();
      this.requestTick();
    });
    // A probe that was running when Nightshift stopped will never report: its step may probe again.
    options.state.releaseProbe(this.ctx.pauseKey);
  }

  // ---------------------------------------------------------------- control

  start(): void {
    if (this.running) return;
    this.running = true;
    this.pushHealth.start();
    this.link.connect();
    if (!this.paused) this.timer.schedule(0);
    this.options.onChange();
  }

  /** Stops ticking and dispatching; running agents go on. Survives a restart. */
  pause(): void {
    this.paused = true;
    this.options.state.setPaused(this.name, true);
    this.timer.clear();
    this.ctx.log('info', 'paused');
    this.options.onChange();
  }

  /** Resumes, resets both backoffs and ticks now. Also retries after "unauthorized". */
  wake(): void {
    this.paused = false;
    this.options.state.setPaused(this.name, false);
    this.unauthorized = null;
    this.idle.apply(curveMove('woken'));
    this.errors.reset();
    this.availability.expire();
    // Wake also means "try the runtime again now" when it is paused by an environment failure.
    this.options.state.probeNow(this.ctx.pauseKey, this.options.clock.now());
    this.wakeRequested = true;
    this.ctx.log('info', 'woken');
    if (this.running) {
      this.link.connect();
      this.timer.schedule(0);
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
      this.link.disconnect();
      this.link.connect();
      if (wasUnauthorized) this.errors.reset();
      if (!this.paused) this.timer.schedule(0);
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
    await this.timer.idle();
    if (!options.keepAgents) await this.pool.stopAll('shutdown');
    if (options.releaseTasks && !options.keepAgents) await releaseHeldTasks(this.ctx);
    await this.options.source.close?.();
  }

  /** No more ticks, pushes or lease renewals; agents untouched. */
  halt(): void {
    this.running = false;
    this.timer.clear();
    this.link.disconnect();
  }

  retune(tuning: LoopTuning): void {
    this.tuning = { ...tuning };
    this.idle.retune(tuning.pollIntervalMs, tuning.maxIdleBackoffMs);
    this.checks.retune(tuning.pollIntervalMs, tuning.maxIdleBackoffMs);
    this.errors.retune(tuning.pollIntervalMs);
    if (this.running && !this.paused) this.timer.schedule(0);
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
    return this.availability.current;
  }

  /** Idle backoff step the next idle tick would wait (un-jittered). */
  get idleBackoffMs(): number {
    return this.idle.currentMs;
  }

  /** Epoch ms the next tick is due; null while none is scheduled. */
  get nextTickAt(): number | null {
    return this.timer.nextAt;
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
    return this.pushHealth.view(this.running);
  }

  // ---------------------------------------------------------------- scheduling

  /** A push from the source, or a queued task: tick now. */
  requestTick(): void {
    if (!this.running || this.paused || this.unauthorized) return;
    this.timer.schedule(0);
  }

  /** An agent ended: there may be room for the next task, so look now. */
  private onSlotFreed(): void {
    this.idle.apply(curveMove('slot_freed'));
    this.requestTick();
    this.options.onChange();
  }

  // ---------------------------------------------------------------- the tick

  private async tick(): Promise<void> {
    if (!this.running || this.paused) return;
    const { clock } = this.options;
    const startedAt = clock.now();
    const byWake = this.wakeRequested;
    this.wakeRequested = false;
    this.pushHealth.sample();
    let dispatched = 0;
    let reason: DelayReason;
    let delayMs: number | null;

    try {
      await this.availability.refresh(startedAt);
      const work = await workTick(this.ctx, {
        isPaused: () => this.paused,
        byWake,
        availability: this.availability.current,
        idle: this.idle,
        jitter: this.tuning.jitter,
        random: this.random,
      });
      ({ dispatched, delayMs, reason } = work);
      if (work.blockedReason !== undefined) this.blockedReason = work.blockedReason;
      if (work.move === 'reset') this.link.rearmHeartbeat();
      this.errors.reset();
      this.lastError = null;
    } catch (err) {
      reason = 'error';
      this.idle.apply(curveMove('tick_failed'));
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
        this.link.disconnect();
        this.ctx.notice({ kind: 'unauthorized', title: `${this.name}: unauthorized`, body: this.lastError });
      } else {
        delayMs = this.errors.onError(err).delayMs;
      }
      this.ctx.log('warn', `tick failed: ${this.lastError}`);
    }

    this.lastTickAt = startedAt;
    const tick = this.recorder.build({
      at: startedAt,
      delayMs: delayMs ?? 0,
      reason,
      dispatched,
      error: this.lastError,
      curveMs: this.idle.currentMs,
    });
    this.guard('recording a tick', () => this.options.ticks.record(tick));
    if (this.running && !this.paused && delayMs !== null) this.timer.schedule(delayMs);
    else if (delayMs === null) this.timer.clear();
    this.options.onTick(tick);
    this.options.onChange();
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
