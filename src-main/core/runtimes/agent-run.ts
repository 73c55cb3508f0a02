/**
 * One agent run as the core sees it (an {@link AgentHandle}): a spawned
 * process plus an interpreter that turns its lines into events and its exit
 * into an outcome. Shared by every runtime; what differs per CLI is only the
 * argv and the interpreter.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { Logger } from '../log';
import { type AgentProcess, adoptAgentProcess, type ProcessExit, spawnAgentProcess } from './agent-process';
import { BYTES_PER_MB } from './agent-wrapper';
import type { AgentEvent, AgentHandle, AgentOutcome, OutputStream, StopReason } from './port';

export interface RunInterpreter {
  /** Events this line means (already including any `output` event to show). */
  onLine(stream: OutputStream, line: string): AgentEvent[];
  /** How the run ended, once the process exited on its own. */
  outcome(exit: ProcessExit): AgentOutcome;
  /** The run was stopped for lack of progress: an environment outcome when the output says why, else null. */
  stalled?(): AgentOutcome | null;
}

export interface AgentRunOptions {
  argv: readonly string[];
  stdin?: string;
  cwd: string;
  env: Record<string, string>;
  logPath: string;
  /** The run folder; default a fresh one under `<logPath>.runs/`, removed when the run ends. */
  runDir?: string;
  startedAt?: number;
  /** The runtime's cap on the run's output files (maxOutputMb), in bytes. */
  maxOutputBytes?: number;
  stopGraceMs?: number;
  interpreter: RunInterpreter;
  onEvent(event: AgentEvent): void;
  logger?: Logger;
  scope?: string;
}

export function startAgentRun(options: AgentRunOptions): AgentHandle {
  const { interpreter } = options;
  const emit = guardedEmit(options);

  // Without a folder from the caller (tests, one-off runs) each run gets its own, removed when it ends.
  const runDir = options.runDir ?? `${options.logPath}.runs/${randomUUID()}`;
  let proc: AgentProcess;
  try {
    proc = spawnAgentProcess({
      argv: options.argv,
      stdin: options.stdin,
      cwd: options.cwd,
      env: options.env,
      logPath: options.logPath,
      runDir,
      startedAt: options.startedAt,
      maxOutputBytes: options.maxOutputBytes,
      stopGraceMs: options.stopGraceMs,
      onLine(stream, line) {
        for (const event of interpreter.onLine(stream, line)) emit(event);
      },
    });
  } catch (err) {
    // spawn throws synchronously on arguments it cannot pass (e.g. a NUL byte in a prompt argument).
    const done = Promise.resolve<AgentOutcome>({
      kind: 'failed',
      error: `could not start ${options.argv[0]}: ${(err as Error).message}`,
    });
    return { pid: undefined, done, stop: () => Promise.resolve() };
  }
  const handle = handleOf(proc, interpreter, options.argv[0] ?? 'the agent');
  if (!options.runDir) void handle.done.then(() => rm(runDir, { recursive: true, force: true }).catch(() => {}));
  return handle;
}

export interface AgentAdoptOptions {
  runDir: string;
  pid: number;
  startTime: string | null;
  logPath: string;
  stopGraceMs?: number;
  interpreter: RunInterpreter;
  onEvent(event: AgentEvent): void;
  logger?: Logger;
  scope?: string;
}

/** The handle of a run started by a crashed runner: its output replays through the interpreter from the start. */
export function adoptAgentRun(options: AgentAdoptOptions): AgentHandle {
  const emit = guardedEmit(options);
  const proc = adoptAgentProcess({
    pid: options.pid,
    startTime: options.startTime,
    runDir: options.runDir,
    logPath: options.logPath,
    stopGraceMs: options.stopGraceMs,
    onLine(stream, line) {
      for (const event of options.interpreter.onLine(stream, line)) emit(event);
    },
  });
  return handleOf(proc, options.interpreter, 'the agent');
}

function guardedEmit(options: Pick<AgentRunOptions, 'onEvent' | 'logger' | 'scope'>): (event: AgentEvent) => void {
  const scope = options.scope ?? 'runtime';
  return (event: AgentEvent) => {
    try {
      options.onEvent(event);
    } catch (err) {
      // A listener's bug must not kill the run or lose its outcome.
      options.logger?.log('error', scope, `event listener threw: ${(err as Error).message}`);
    }
  };
}

function handleOf(proc: AgentProcess, interpreter: RunInterpreter, program: string): AgentHandle {
  let stopReason: StopReason | null = null;
  const done: Promise<AgentOutcome> = proc.exited.then(
    (exit): AgentOutcome => {
      if (stopReason === 'stalled') return interpreter.stalled?.() ?? { kind: 'stopped', reason: stopReason };
      if (stopReason) return { kind: 'stopped', reason: stopReason };
      // The binary vanished or cannot be executed: the machine's problem, not the task's.
      if (exit.spawnError)
        return { kind: 'environment', cause: 'cli', message: `could not start ${program}: ${exit.spawnError}` };
      // The task's doing (a loop printing forever), not the machine's: the task fails, its reason says which cap.
      if (exit.outputLimitBytes !== undefined) return { kind: 'failed', error: outputLimitError(exit.outputLimitBytes) };
      try {
        return interpreter.outcome(exit);
      } catch (err) {
        return { kind: 'failed', error: `could not read the agent's outcome: ${(err as Error).message}` };
      }
    },
    (err: unknown): AgentOutcome => ({ kind: 'failed', error: String(err) }),
  );

  return {
    pid: proc.pid,
    done,
    stop(reason) {
      stopReason ??= reason;
      return proc.stop();
    },
  };
}

export function outputLimitError(bytes: number): string {
  const mb = Math.round((bytes / BYTES_PER_MB) * 10) / 10;
  return `stopped: its output passed ${mb} MB, the runtime's maxOutputMb`;
}

/** "exit code 3" / "killed by SIGKILL" for error messages. */
export function describeExit(exit: ProcessExit): string {
  if (exit.signal) return `killed by ${exit.signal}`;
  if (exit.code === null) return 'ended without recording its exit status';
  return `exit code ${exit.code}`;
}
