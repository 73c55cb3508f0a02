/**
 * The `command` runtime: any CLI, run as an argument array (never a shell).
 * The prompt goes to stdin or replaces `{prompt}` inside argv elements; exit 0
 * completes with the last output lines, non-zero fails with the tail of
 * stderr, and a `rateLimitPattern` match on any line pauses the session.
 */

import type { Clock } from '../clock';
import type { RuntimeConfig } from '../config';
import type { Logger } from '../log';
import { buildAgentEnv } from './agent-env';
import type { ProcessExit } from './agent-process';
import { adoptAgentRun, describeExit, type RunInterpreter, startAgentRun } from './agent-run';
import { BYTES_PER_MB } from './agent-wrapper';
import { checkLaunch } from './availability';
import type { Launch } from './launch';
import { OutputTail } from './output-tail';
import type {
  AgentAdoptSpec,
  AgentEvent,
  AgentHandle,
  AgentOutcome,
  AgentRuntime,
  AgentStartSpec,
  Availability,
  OutputStream,
} from './port';
import { DEFAULT_RATE_LIMIT_WAIT_MS, parseResetValue } from './reset-time';

export type CommandRuntimeConfig = Extract<RuntimeConfig, { kind: 'command' }>;

export const PROMPT_PLACEHOLDER = '{prompt}';

export interface RuntimeOptions {
  logger?: Logger;
  stopGraceMs?: number;
  /** Time for rate-limit defaults ("1 h from now"); the real clock by default. */
  clock?: Pick<Clock, 'now'>;
  /** Runtime name shown in the UI; defaults to the kind. */
  name?: string;
}

/**
 * A plain command has no conversation to resume, so a resumed run gets the
 * original task followed by the continuation message.
 */
export function commandPrompt(spec: Pick<AgentStartSpec, 'task' | 'prompt' | 'isResume'>): string {
  return spec.isResume ? `${spec.task.prompt}\n\n${spec.prompt}` : spec.prompt;
}

/** argv with `{prompt}` replaced inside each element that holds it (arg mode), else unchanged. */
export function commandArgv(config: CommandRuntimeConfig, prompt: string): string[] {
  if (config.promptVia !== 'arg') return [...config.command];
  return config.command.map((arg) => arg.split(PROMPT_PLACEHOLDER).join(prompt));
}

export function createCommandRuntime(config: CommandRuntimeConfig, options: RuntimeOptions = {}): AgentRuntime {
  const now = () => options.clock?.now() ?? Date.now();
  const rateLimit = config.rateLimitPattern ? new RegExp(config.rateLimitPattern) : null;
  // What to spawn for the first word (launch.ts: an npm .cmd shim on Windows), learnt by the availability check.
  let launch: Launch | null = null;
  return {
    name: options.name ?? 'command',
    timeoutMs: config.timeoutMs,
    ...(config.stallMs !== undefined ? { stallMs: config.stallMs } : {}),
    async checkAvailability(): Promise<Availability> {
      const checked = await checkLaunch(config.command[0]!, { versionArgs: null, env: config.env });
      launch = checked.launch;
      return checked.availability;
    },
    start(spec: AgentStartSpec): AgentHandle {
      const prompt = commandPrompt(spec);
      const argv = commandArgv(config, prompt);
      return startAgentRun({
        argv: launch ? [launch.program, ...launch.args, ...argv.slice(1)] : argv,
        stdin: config.promptVia === 'stdin' ? prompt : undefined,
        cwd: spec.cwd,
        env: buildAgentEnv({ taskId: spec.task.id, sessionId: spec.sessionId, declared: config.env }),
        logPath: spec.logPath,
        runDir: spec.runDir,
        startedAt: spec.startedAt,
        maxOutputBytes: config.maxOutputMb * BYTES_PER_MB,
        stopGraceMs: options.stopGraceMs,
        interpreter: createCommandInterpreter(rateLimit, now),
        onEvent: spec.onEvent,
        logger: options.logger,
        scope: `runtime[${options.name ?? 'command'}]`,
      });
    },
    adopt(spec: AgentAdoptSpec): AgentHandle {
      return adoptAgentRun({
        runDir: spec.runDir,
        pid: spec.pid,
        startTime: spec.startTime,
        logPath: spec.logPath,
        onEvent: spec.onEvent,
        stopGraceMs: options.stopGraceMs,
        interpreter: createCommandInterpreter(rateLimit, now),
        logger: options.logger,
        scope: `runtime[${options.name ?? 'command'}]`,
      });
    },
  };
}

/** Output lines → events; exit → outcome. Exported for unit tests without processes. */
export function createCommandInterpreter(rateLimit: RegExp | null, now: () => number): RunInterpreter {
  const stdout = new OutputTail();
  const stderr = new OutputTail();
  let limited: { resumeAt: number; message: string } | null = null;

  return {
    onLine(stream: OutputStream, line: string): AgentEvent[] {
      (stream === 'stdout' ? stdout : stderr).push(line);
      const events: AgentEvent[] = [{ type: 'output', stream, line }];
      const match = rateLimit?.exec(line);
      if (match) {
        const reset = match.groups?.reset;
        const resetAt = reset !== undefined ? parseResetValue(reset) : undefined;
        limited = { resumeAt: resetAt ?? now() + DEFAULT_RATE_LIMIT_WAIT_MS, message: line };
        events.push({ type: 'rate_limit', message: line, ...(resetAt !== undefined ? { resetAt } : {}) });
      }
      return events;
    },
    outcome(exit: ProcessExit): AgentOutcome {
      if (limited) return { kind: 'rate_limited', ...limited };
      if (exit.code === 0) return { kind: 'completed', summary: stdout.text() };
      const tail = stderr.isEmpty ? stdout.text() : stderr.text();
      return { kind: 'failed', error: tail ? `${tail}\n(${describeExit(exit)})` : describeExit(exit) };
    },
  };
}
