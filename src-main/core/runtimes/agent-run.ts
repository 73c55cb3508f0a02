/**
 * One agent run as the core sees it (an {@link AgentHandle}): a spawned
 * process plus an interpreter that turns its lines into events and its exit
 * into an outcome. Shared by every runtime; what differs per CLI is only the
 * argv and the interpreter.
 */
import type { Logger } from '../log';
import type { AgentEvent, AgentHandle, AgentOutcome, StopReason } from '../types';
import { type OutputStream, type ProcessExit, spawnAgentProcess } from './agent-process';

export interface RunInterpreter {
  /** Events this line means (already including any `output` event to show). */
  onLine(stream: OutputStream, line: string): AgentEvent[];
  /** How the run ended, once the process exited on its own. */
  outcome(exit: ProcessExit): AgentOutcome;
}

export interface AgentRunOptions {
  argv: readonly string[];
  stdin?: string;
  cwd: string;
  env: Record<string, string>;
  logPath: string;
  stopGraceMs?: number;
  interpreter: RunInterpreter;
  onEvent(event: AgentEvent): void;
  logger?: Logger;
  scope?: string;
}

export function startAgentRun(options: AgentRunOptions): AgentHandle {
  const { interpreter, logger } = options;
  const scope = options.scope ?? 'runtime';
  const emit = (event: AgentEvent) => {
    try {
      options.onEvent(event);
    } catch (err) {
      // A listener's bug must not kill the run or lose its outcome.
      logger?.log('error', scope, `event listener threw: ${(err as Error).message}`);
    }
  };

  let stopReason: StopReason | null = null;
  let proc: ReturnType<typeof spawnAgentProcess>;
  try {
    proc = spawnAgentProcess({
      argv: options.argv,
      stdin: options.stdin,
      cwd: options.cwd,
      env: options.env,
      logPath: options.logPath,
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

  const done: Promise<AgentOutcome> = proc.exited.then(
    (exit): AgentOutcome => {
      if (stopReason) return { kind: 'stopped', reason: stopReason };
      if (exit.spawnError) return { kind: 'failed', error: `could not start ${options.argv[0]}: ${exit.spawnError}` };
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

/** "exit code 3" / "killed by SIGKILL" for error messages. */
export function describeExit(exit: ProcessExit): string {
  if (exit.signal) return `killed by ${exit.signal}`;
  return `exit code ${exit.code}`;
}
