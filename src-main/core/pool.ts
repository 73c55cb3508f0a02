/**
 * A daemon's bounded set of running agents. The pool knows processes, not
 * tasks' fates: it starts a run, enforces the per-task timeout, keeps the
 * last output lines in the session row, and hands every exit to the loop.
 */
import { join } from 'node:path';
import type { Logger } from './log';
import type { SessionStore } from './sessions/session-store';
import type { AgentEvent, AgentHandle, AgentOutcome, AgentRuntime, Clock, SessionRow, StopReason, Task } from './types';

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
  /** Everything the agent said that the loop must act on (resume token, rate limit). */
  onAgentEvent(sessionId: string, event: AgentEvent): void;
  /** Called once per run, after the process group is gone. */
  onExit(run: RunningAgent, outcome: AgentOutcome): void;
}

interface Entry extends RunningAgent {
  handle: AgentHandle;
  output: string[];
  cancelTimeout: () => void;
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

  /** Starts an agent for a session already in `active`. */
  start(request: RunRequest): RunningAgent {
    const { session, task } = request;
    const { runtime, sessions, clock } = this.options;
    const logPath = session.logPath ?? join(this.options.logDir, `${session.id}.log`);
    const entry = {
      sessionId: session.id,
      taskId: task.id,
      taskTitle: task.title,
      startedAt: clock.now(),
      output: [...session.lastOutput],
      cancelFlush: null,
    } as unknown as Entry;

    const handle = runtime.start({
      sessionId: session.id,
      task,
      prompt: request.prompt,
      isResume: request.isResume,
      resumeToken: session.resumeToken,
      cwd: request.cwd,
      logPath,
      onEvent: (event) => this.onEvent(entry, event),
    });
    entry.handle = handle;
    entry.pid = handle.pid;
    // The pid is stored so that a restart after a crash can find leftovers.
    sessions.update(session.id, { pid: handle.pid ?? null, logPath });
    entry.cancelTimeout = clock.setTimer(() => {
      this.options.logger.log('warn', `pool[${this.options.daemon}]`, `task ${task.id} hit its ${runtime.timeoutMs} ms timeout`);
      void handle.stop('timeout');
    }, runtime.timeoutMs);
    this.entries.set(session.id, entry);

    void handle.done.then((outcome) => this.onDone(entry, outcome));
    return this.running().find((r) => r.sessionId === session.id)!;
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
    if (event.type === 'output') {
      entry.output.push(event.stream === 'stderr' ? `! ${event.line}` : event.line);
      if (entry.output.length > OUTPUT_KEEP * 2) entry.output.splice(0, entry.output.length - OUTPUT_KEEP);
      if (!entry.cancelFlush) {
        entry.cancelFlush = this.options.clock.setTimer(() => {
          entry.cancelFlush = null;
          if (this.entries.has(entry.sessionId)) this.options.sessions.setLastOutput(entry.sessionId, entry.output);
        }, OUTPUT_FLUSH_MS);
      }
      return;
    }
    this.options.onAgentEvent(entry.sessionId, event);
  }

  private onDone(entry: Entry, outcome: AgentOutcome): void {
    entry.cancelTimeout();
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
  }
}
