/**
 * The port every agent runtime (command, claude, codex, gemini, copilot, ACP)
 * implements, and what a run says and how it ends, normalised across CLIs.
 * See docs/architecture.md, "Add a runtime".
 */
import type { Task } from '@shared/task';

/** Which of an agent's output streams a line came from. */
export type OutputStream = 'stdout' | 'stderr';

/** Something an agent said while running, normalised across CLIs. */
export type AgentEvent =
  /** `retry`: the CLI only says it is retrying (reconnecting, API retry): not progress for stall detection. */
  | { type: 'output'; stream: OutputStream; line: string; retry?: true }
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
