/**
 * The vocabulary every layer shares: tasks and their sources, agent runtimes,
 * sessions, ticks. Pure types (plus a few constant tables) so that the shells,
 * the renderer and the tests can import them without pulling in Node modules.
 */

// ---------------------------------------------------------------- tasks

export const TASK_STATUSES = ['todo', 'in_progress', 'in_review', 'done', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** A unit of work as every source describes it (protocol.md, "Task"). */
export interface Task {
  id: string;
  title: string;
  prompt: string;
  status: TaskStatus;
  /** Preferred runtime name ("claude", "codex", "command", ...). */
  runtime?: string;
  /** Working directory on this machine. */
  cwd?: string;
  /** A git URL or local repository path to run in a worktree. */
  repository?: string;
  /** ISO 8601. */
  created_at: string;
}

/** A review note on a task, e.g. `{action: "rejected", detail: "tests fail"}`. */
export interface TaskNote {
  action: string;
  detail: string;
  created_at: string;
}

export type ClaimResult = { ok: true; task: Task } | { ok: false; reason: 'already_claimed' | 'gone' };

/**
 * A report is retried until the source acknowledges it; the key is the same
 * on every retry of one report so that a server can apply it once.
 */
export interface ReportOptions {
  idempotencyKey?: string;
}

/**
 * What a source offers the loop. Every method may throw a {@link SourceError}
 * (see errors.ts); anything else thrown is treated as a transient error.
 */
export interface TaskSource {
  /** "local" | "http" | "postgres" — shown in the UI. */
  readonly kind: string;
  /** Tasks in `todo` this daemon may take, oldest first. */
  listClaimable(): Promise<Task[]>;
  /** Atomically `todo → in_progress` for this worker; a lost race is `{ok:false}`, not an error. */
  claim(id: string): Promise<ClaimResult>;
  /** The current task, or null when it is gone (deleted). */
  get(id: string): Promise<Task | null>;
  complete(id: string, summary: string, options?: ReportOptions): Promise<void>;
  fail(id: string, error: string, options?: ReportOptions): Promise<void>;
  /** Back to `todo` (this worker gives the task up). */
  release(id: string, options?: ReportOptions): Promise<void>;
  notes(id: string): Promise<TaskNote[]>;
  /**
   * Optional push: call `onChange` whenever a claimable task may exist or a
   * task's status changed. The loop treats a call as "tick now". Returns the
   * unsubscribe function.
   */
  watch?(onChange: () => void): () => void;
  /**
   * True while a push channel (SSE stream, held long poll, LISTEN) is healthy:
   * the loop's timer then only runs a slow reconcile poll.
   */
  pushHealthy?(): boolean;
  /**
   * True while the push channel also delivers status changes of running tasks
   * (SSE task events, LISTEN): the loop then checks them only when woken.
   */
  pushesStatusChanges?(): boolean;
  /**
   * The push channel in use, or null when this source only polls (none
   * configured, or the server offers none). Absent: the source cannot tell.
   */
  pushChannel?(): string | null;
  /** While push is healthy, the timer runs only this slow reconcile poll (ms). */
  readonly reconcileIntervalMs?: number;
  /**
   * Called periodically while a task runs (lease renewal for shared queues).
   * Resolves false when the lease is lost (another worker holds the task):
   * the loop then stops its agent.
   */
  heartbeat?(id: string): Promise<boolean>;
  /** How often to call heartbeat (default 15 s). */
  readonly heartbeatIntervalMs?: number;
  /** Requests made to the backing store since this source was created (monotonic). */
  requestCount(): number;
  close?(): Promise<void>;
}

// ---------------------------------------------------------------- clock

/** Injectable time: real in production, simulated in tests and benches. */
export interface Clock {
  now(): number;
  /** Schedules `fn` after `ms`; returns a cancel function. */
  setTimer(fn: () => void, ms: number): () => void;
}

// ---------------------------------------------------------------- agents

/** Something an agent said while running, normalised across CLIs. */
export type AgentEvent =
  /** `retry`: the CLI only says it is retrying (reconnecting, API retry): not progress for stall detection. */
  | { type: 'output'; stream: 'stdout' | 'stderr'; line: string; retry?: true }
  /** The agent's own conversation id, to resume the same conversation later. */
  | { type: 'resume_token'; token: string }
  | { type: 'usage'; inputTokens?: number; outputTokens?: number; costUsd?: number }
  /** The agent's final answer; becomes the task's summary. */
  | { type: 'result'; text: string }
  /** The agent reported a rate/usage limit; `resetAt` is epoch ms when known. */
  | { type: 'rate_limit'; resetAt?: number; message: string }
  /**
   * Something the agent did that belongs in the session's timeline (ACP runtimes:
   * a tool call, a whole message, a permission decision).
   */
  | { type: 'activity'; kind: AgentActivityKind; detail: string };

export type AgentActivityKind = 'message' | 'tool_call' | 'permission';

/** How an agent run ended. */
export type AgentOutcome =
  | { kind: 'completed'; summary: string }
  | { kind: 'failed'; error: string }
  /** Paused by a rate/usage limit; resume the same conversation at `resumeAt` (epoch ms). */
  | { kind: 'rate_limited'; resumeAt: number; message: string }
  /**
   * The agent could not work because of its environment (not logged in,
   * network down, CLI broken, workspace not trusted): not the task's fault.
   * The task is given back and the runtime paused until a probe succeeds.
   */
  | { kind: 'environment'; cause: EnvironmentCause; message: string }
  /** We stopped it: `stop()` was called with this reason. */
  | { kind: 'stopped'; reason: StopReason };

export const ENVIRONMENT_CAUSES = ['auth', 'network', 'cli', 'trust'] as const;
export type EnvironmentCause = (typeof ENVIRONMENT_CAUSES)[number];

/** `stalled`: no progress for the runtime's stallMs (only retry lines, or nothing). */
export type StopReason = 'cancelled' | 'timeout' | 'shutdown' | 'stalled';

export interface AgentStartSpec {
  sessionId: string;
  task: Task;
  /** The text to give the agent: the task prompt, or a continuation message on resume. */
  prompt: string;
  /** True when `prompt` continues an earlier run of the same session. */
  isResume: boolean;
  /** The agent's own conversation id from an earlier run, when it gave one. */
  resumeToken: string | null;
  cwd: string;
  /** Where stdout/stderr are appended (bounded). */
  logPath: string;
  /** The run folder (output and exit files, see run-folder.ts); default a fresh one next to the log. */
  runDir?: string;
  /** When the run started by the caller's clock (for the remaining timeout of a later adoption). */
  startedAt?: number;
  onEvent(event: AgentEvent): void;
}

/** A run a crashed runner started, found alive or finished at restart. */
export interface AgentAdoptSpec {
  sessionId: string;
  runDir: string;
  /** The wrapper's pid and OS start time (already checked to be the started process, or the run has ended). */
  pid: number;
  startTime: string | null;
  /** The agent's own conversation id as the session row has it (a CLI that chose it up front reports it again). */
  resumeToken: string | null;
  logPath: string;
  onEvent(event: AgentEvent): void;
}

export interface AgentHandle {
  readonly pid: number | undefined;
  /** Resolves once the process (group) has exited; never rejects. */
  readonly done: Promise<AgentOutcome>;
  /** SIGTERM to the process group, then SIGKILL after the grace period; idempotent. */
  stop(reason: StopReason): Promise<void>;
}

export type Availability = { available: true; version?: string } | { available: false; reason: string };

/** A way of running a coding agent (command, claude, codex, gemini). */
export interface AgentRuntime {
  readonly name: string;
  /** Per-task timeout for this runtime. */
  readonly timeoutMs: number;
  /** A run with no progress (only retry lines, or nothing) for this long is stopped; absent: never. */
  readonly stallMs?: number;
  checkAvailability(): Promise<Availability>;
  start(spec: AgentStartSpec): AgentHandle;
  /** Re-attaches to a run of a crashed runner. A runtime without it cannot adopt: its leftovers are killed and re-run. */
  adopt?(spec: AgentAdoptSpec): AgentHandle;
}

// ---------------------------------------------------------------- sessions

/**
 * One row per task run. `claiming` exists so that a crash between a remote
 * claim and the spawn leaves a trace that restart reconciliation can act on.
 */
export const SESSION_STATES = [
  'claiming',
  'active',
  'interrupted',
  'rate_limited',
  'in_review',
  'completing',
  'closed',
  'failed',
] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/** What a `completing` session still has to tell its source. */
export type SessionOutcome = 'done' | 'failed' | 'cancelled' | 'released';

export interface SessionRow {
  id: string;
  daemon: string;
  taskId: string;
  taskTitle: string;
  runtime: string;
  state: SessionState;
  outcome: SessionOutcome | null;
  /** Agent runs so far (first run = 1). */
  attempt: number;
  pid: number | null;
  resumeToken: string | null;
  /** Epoch ms; set while rate_limited. */
  resumeAfter: number | null;
  workspace: string | null;
  /** Summary (done) or error (failed) to report; also shown in the UI. */
  result: string | null;
  /** The source has acknowledged the outcome report. */
  reported: boolean;
  /** A workspace cleanup failed and will be retried. */
  cleanupPending: boolean;
  /** Last lines of agent output (bounded). */
  lastOutput: string[];
  logPath: string | null;
  createdAt: number;
  updatedAt: number;
  endedAt: number | null;
}

export interface SessionEventRow {
  id: number;
  sessionId: string;
  at: number;
  event: string;
  from: SessionState | null;
  to: SessionState;
  detail: string | null;
}

/** How one span of a session ended (or that it is still going). */
export const SPAN_OUTCOMES = ['running', 'done', 'failed', 'rate_limited', 'in_review', 'interrupted', 'cancelled'] as const;
export type SpanOutcome = (typeof SPAN_OUTCOMES)[number];

/**
 * One stretch of a session's life, derived from its timeline: an agent run
 * (`run`: from the agent's start to its exit), a rate-limited session waiting
 * to resume the same conversation (`rate_limit_wait`; it keeps its pool slot),
 * or a finished run waiting for a person's review (`review_wait`; no slot).
 */
export interface SessionSpan {
  sessionId: string;
  daemon: string;
  taskId: string;
  taskTitle: string;
  kind: 'run' | 'rate_limit_wait' | 'review_wait';
  /** Epoch ms. */
  start: number;
  /** Epoch ms; null while it goes on. */
  end: number | null;
  outcome: SpanOutcome;
}

/** Spans that hold a pool slot (the pool lanes draw these). */
export function holdsSlot(span: Pick<SessionSpan, 'kind'>): boolean {
  return span.kind !== 'review_wait';
}

// ---------------------------------------------------------------- ticks

/** Why the loop chose the delay it did; the chart colours points by this. */
export const DELAY_REASONS = ['idle', 'work', 'saturated', 'error', 'rate_limit_clamp', 'wake', 'push_reconcile'] as const;
export type DelayReason = (typeof DELAY_REASONS)[number];

export interface TickRecord {
  daemon: string;
  /** Epoch ms when the tick started. */
  at: number;
  /** Delay chosen until the next tick. */
  delayMs: number;
  reason: DelayReason;
  /** Source requests made during this tick. */
  requests: number;
  dispatched: number;
  /** Busy slots after the tick (running agents). */
  active: number;
  /** Rate-limited sessions holding a slot's worth of work. */
  rateLimited: number;
  max: number;
  error: string | null;
  /**
   * Where the idle curve stood at this tick (src-shared/backoff-curve, before
   * push, jitter and clamps): the delay the configured curve prescribed. Null
   * for error ticks (the error backoff decides) and ticks recorded before it was kept.
   */
  curveMs: number | null;
  /** Push channel healthy at this tick; null when the source has no push. */
  push: boolean | null;
}

// ---------------------------------------------------------------- snapshot

/**
 * working: an agent holds a slot. idle: nothing to do (waiting on push, or
 * polling at the base interval). backing_off: polling, with the idle curve
 * above its base. stopped: no instance runs these loops (offline status).
 */
export const DAEMON_STATES = ['working', 'idle', 'backing_off', 'paused', 'error', 'unauthorized', 'stopped'] as const;
export type DaemonState = (typeof DAEMON_STATES)[number];

/** The per-daemon knobs a view may change at run time (stored as overrides of the config file). */
export const TUNING_KEYS = ['pollIntervalMs', 'maxIdleBackoffMs', 'maxConcurrent', 'jitter'] as const;
export type TuningKey = (typeof TUNING_KEYS)[number];

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
