/**
 * A daemon's bounded set of running agents. The pool knows processes, not
 * tasks' fates: it starts a run (or adopts one a crashed runner started),
 * enforces the per-task timeout, keeps the last output lines in the session
 * row, and hands every exit to the loop. A run's folder is removed once its
 * outcome is in the database.
 */
import { rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SessionRow } from '@shared/sessions';
import type { Task } from '@shared/task';
import type { Clock } from './clock';
import type { Logger } from './log';
import type { AgentEvent, AgentHandle, AgentOutcome, AgentRuntime, StopReason } from './runtimes/port';
import { runDirOf } from './runtimes/run-folder';
import type { SessionStore } from './sessions/session-store';

export interface RunRequest {
  session: SessionRow;
  task: Task;
  prompt: string;
  isResume: boolean;
  cwd: string;
}

export interface RunningAgent {
  sessionId: string;
  taskId: string;
  taskTitle: string;
  startedAt: number;
  pid: number | undefined;
}

export interface PoolOptions {
  daemon: string;
  runtime: AgentRuntime;
  sessions: SessionStore;
  clock: Clock;
  logger: Logger;
  /** Directory for per-session log files. */
  logDir: string;
  /** Directory for run folders (default: `runs` next to `logDir`). */
  runsDir?: string;
  /** Everything the agent said that the loop must act on (resume token, rate limit). */
  onAgentEvent(sessionId: string, event: AgentEvent): void;
  /** Called once per run, after the process group is gone. */
  onExit(run: RunningAgent, outcome: AgentOutcome): void;
}

/** A run found at restart that can be adopted (see reconcile.ts). */
export interface AdoptableRun {
  runDir: string;
  pid: number;
  startTime: string | null;
  /** When it started, by the clock of the runner that started it. */
  startedAt: number;
}

interface Entry extends RunningAgent {
  handle: AgentHandle;
  runDir: string;
  output: string[];
  cancelTimeout: () => void;
  /** Last event that shows the agent working (anything but retry lines and stderr). */
  lastProgressAt: number;
  cancelStallCheck: (() => void) | null;
  cancelFlush: (() => void) | null;
}

const OUTPUT_FLUSH_MS = 2_000;
const OUTPUT_KEEP = 40;

export class RuntimePool {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: PoolOptions) {}

  get runtimeName(): string {
    return this.options.runtime.name;
  }

  get activeCount(): number {
    return this.entries.size;
  }

  has(sessionId: string): boolean {
    return this.entries.has(sessionId);
  }

  running(): RunningAgent[] {
    return [...this.entries.values()].map(({ sessionId, taskId, taskTitle, startedAt, pid }) => ({
      sessionId,
      taskId,
      taskTitle,
      startedAt,
      pid,
    }));
  }

  get canAdopt(): boolean {
    return this.options.runtime.adopt !== undefined;
  }

  private get runsDir(): string {
    return this.options.runsDir ?? join(dirname(this.options.logDir), 'runs');
  }

  /** Starts an agent for a session already in `active`. */
  start(request: RunRequest): RunningAgent {
    const { session, task } = request;
    const { runtime, sessions, clock } = this.options;
    const logPath = session.logPath ?? join(this.options.logDir, `${session.id}.log`);
    const runDir = runDirOf(this.runsDir, session.id, session.attempt);
    const entry = this.newEntry(session, clock.now(), runDir);
    const handle = runtime.start({
      sessionId: session.id,
      task,
      prompt: request.prompt,
      isResume: request.isResume,
      resumeToken: session.resumeToken,
      cwd: request.cwd,
      logPath,
      runDir,
      startedAt: entry.startedAt,
      onEvent: (event) => this.onEvent(entry, event),
    });
    // The pid is stored for the views and for the leftover check of a restart.
    sessions.update(session.id, { pid: handle.pid ?? null, logPath });
    this.track(entry, handle, runtime.timeoutMs);
    return this.running().find((r) => r.sessionId === session.id)!;
  }

  /**
   * Re-attaches to a run of a crashed runner (a session in `active` whose run
   * folder shows it alive or finished). It counts in the pool, keeps what is
   * left of its timeout, and its exit is handed to the loop like any other.
   */
  adopt(session: SessionRow, run: AdoptableRun): RunningAgent {
    const { runtime, sessions, clock } = this.options;
    if (!runtime.adopt) throw new Error(`${runtime.name} cannot adopt runs`);
    const logPath = session.logPath ?? join(this.options.logDir, `${session.id}.log`);
    const entry = this.newEntry(session, run.startedAt, run.runDir);
    const handle = runtime.adopt({
      sessionId: session.id,
      runDir: run.runDir,
      pid: run.pid,
      startTime: run.startTime,
      resumeToken: session.resumeToken,
      logPath,
      onEvent: (event) => this.onEvent(entry, event),
    });
    sessions.update(session.id, { pid: run.pid, logPath });
    this.options.logger.log(
      'info',
      `pool[${this.options.daemon}]`,
      `adopted the running agent of task ${session.taskId} (pid ${run.pid})`,
    );
    const left = Math.max(0, runtime.timeoutMs - (clock.now() - run.startedAt));
    this.track(entry, handle, left);
    return this.running().find((r) => r.sessionId === session.id)!;
  }

  private newEntry(session: SessionRow, startedAt: number, runDir: string): Entry {
    return {
      sessionId: session.id,
      taskId: session.taskId,
      taskTitle: session.taskTitle,
      startedAt,
      runDir,
      output: [...session.lastOutput],
      cancelFlush: null,
      lastProgressAt: this.options.clock.now(),
      cancelStallCheck: null,
    } as unknown as Entry;
  }

  private track(entry: Entry, handle: AgentHandle, timeoutMs: number): void {
    const { runtime, clock } = this.options;
    entry.handle = handle;
    entry.pid = handle.pid;
    entry.cancelTimeout = clock.setTimer(() => {
      this.options.logger.log(
        'warn',
        `pool[${this.options.daemon}]`,
        `task ${entry.taskId} hit its ${runtime.timeoutMs} ms timeout`,
      );
      void handle.stop('timeout');
    }, timeoutMs);
    this.entries.set(entry.sessionId, entry);
    if (runtime.stallMs) this.watchStall(entry, runtime.stallMs);
    void handle.done.then((outcome) => this.onDone(entry, outcome));
  }

  /**
   * An agent that only retries (codex "Reconnecting...", claude api_retry) or
   * prints nothing would hold its slot until the long task timeout: stop it
   * after `stallMs` without progress; its interpreter says why.
   */
  private watchStall(entry: Entry, stallMs: number): void {
    const { clock, logger, daemon } = this.options;
    const check = (delay: number) => {
      entry.cancelStallCheck = clock.setTimer(() => {
        if (this.entries.get(entry.sessionId) !== entry) return;
        const quietFor = clock.now() - entry.lastProgressAt;
        if (quietFor < stallMs) return check(stallMs - quietFor);
        logger.log('warn', `pool[${daemon}]`, `task ${entry.taskId}: no progress for ${stallMs} ms, stopping it`);
        void entry.handle.stop('stalled');
      }, delay);
    };
    check(stallMs);
  }

  /** Asks one agent to stop; resolves when its process group is gone. */
  async stop(sessionId: string, reason: StopReason): Promise<void> {
    const entry = this.entries.get(sessionId);
    if (!entry) return;
    await entry.handle.stop(reason);
    await entry.handle.done;
  }

  /** Stops every agent (quit, shutdown) and waits for all of them. */
  async stopAll(reason: StopReason): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.stop(id, reason)));
  }

  private onEvent(entry: Entry, event: AgentEvent): void {
    if (!(event.type === 'output' && (event.stream === 'stderr' || event.retry))) entry.lastProgressAt = this.options.clock.now();
    if (event.type === 'output') {
      entry.output.push(event.stream === 'stderr' ? `! ${event.line}` : event.line);
      if (entry.output.length > OUTPUT_KEEP * 2) entry.output.splice(0, entry.output.length - OUTPUT_KEEP);
      if (!entry.cancelFlush) {
        entry.cancelFlush = this.options.clock.setTimer(() => {
          entry.cancelFlush = null;
          if (!this.entries.has(entry.sessionId)) return;
          try {
            this.options.sessions.setLastOutput(entry.sessionId, entry.output);
          } catch (err) {
            // A timer has no caller to throw to; a failing database is reported by the loop's next write.
            this.options.logger.log('warn', `pool[${this.options.daemon}]`, `could not save output: ${String(err)}`);
          }
        }, OUTPUT_FLUSH_MS);
      }
      return;
    }
    this.options.onAgentEvent(entry.sessionId, event);
  }

  private onDone(entry: Entry, outcome: AgentOutcome): void {
    entry.cancelTimeout();
    entry.cancelStallCheck?.();
    entry.cancelFlush?.();
    this.entries.delete(entry.sessionId);
    try {
      this.options.sessions.setLastOutput(entry.sessionId, entry.output);
    } catch (err) {
      this.options.logger.log(
        'warn',
        `pool[${this.options.daemon}]`,
        `could not save output of ${entry.sessionId}: ${String(err)}`,
      );
    }
    this.options.onExit(entry, outcome);
    this.removeRunFolder(entry);
  }

  /** Once the outcome is recorded (the session left `active`), the run's files have served their purpose. */
  private removeRunFolder(entry: Entry): void {
    let state: string | undefined;
    try {
      state = this.options.sessions.get(entry.sessionId)?.state;
    } catch {
      return; // the database is failing: keep the folder, a restart adopts the run again
    }
    if (state === 'active') return;
    void rm(entry.runDir, { recursive: true, force: true })
      .then(() => rmdir(dirname(entry.runDir)).catch(() => {})) // the session folder, once its last run is gone
      .catch((err) =>
        this.options.logger.log('warn', `pool[${this.options.daemon}]`, `could not remove ${entry.runDir}: ${String(err)}`),
      );
  }
}
