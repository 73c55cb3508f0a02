/**
 * The frame of an agent-CLI runtime: availability via `--version`, a
 * minimal environment, and a run whose stream a CLI-specific parser reads.
 * Each CLI file only says how to invoke it and how to read its stream.
 */
import type { RuntimeConfig } from '../config';
import type { AgentAdoptSpec, AgentHandle, AgentRuntime, AgentStartSpec, Availability } from '../types';
import { buildAgentEnv } from './agent-env';
import { adoptAgentRun, startAgentRun } from './agent-run';
import { checkBinary } from './availability';
import { type CliStreamParser, createCliInterpreter } from './cli-stream';
import type { RuntimeOptions } from './command';

export type AgentCliConfig = Extract<RuntimeConfig, { kind: 'claude' | 'codex' | 'gemini' | 'copilot' }>;

export interface CliInvocation {
  argv: string[];
  stdin?: string;
  /** The agent session id chosen for this run before it starts (CLIs that accept one). */
  sessionId?: string;
}

export interface CliDefinition {
  /** Default binary name on PATH. */
  binary: string;
  installHint: string;
  /** argv (without the binary) and stdin for this run. */
  invocation(spec: AgentStartSpec, config: AgentCliConfig): CliInvocation;
  createParser(now: () => number, invocation: CliInvocation): CliStreamParser;
}

/**
 * What to say to the agent. With the agent's own conversation id the
 * continuation message is enough; without one (the first run died before the
 * CLI reported it) the run starts over, so it needs the task as well.
 */
export function cliPrompt(spec: AgentStartSpec): { prompt: string; resumeToken: string | null } {
  if (!spec.isResume) return { prompt: spec.prompt, resumeToken: null };
  if (spec.resumeToken) return { prompt: spec.prompt, resumeToken: spec.resumeToken };
  return { prompt: `${spec.task.prompt}\n\n${spec.prompt}`, resumeToken: null };
}

export function createCliRuntime(definition: CliDefinition, config: AgentCliConfig, options: RuntimeOptions = {}): AgentRuntime {
  const name = options.name ?? config.kind;
  const binary = config.binary ?? definition.binary;
  const now = () => options.clock?.now() ?? Date.now();
  return {
    name,
    timeoutMs: config.timeoutMs,
    checkAvailability(): Promise<Availability> {
      return checkBinary(binary, { versionArgs: ['--version'], installHint: definition.installHint, env: config.env });
    },
    start(spec: AgentStartSpec): AgentHandle {
      const invocation = definition.invocation(spec, config);
      const { argv, stdin } = invocation;
      return startAgentRun({
        argv: [binary, ...argv],
        stdin,
        cwd: spec.cwd,
        env: buildAgentEnv({ taskId: spec.task.id, sessionId: spec.sessionId, declared: config.env }),
        logPath: spec.logPath,
        runDir: spec.runDir,
        startedAt: spec.startedAt,
        stopGraceMs: options.stopGraceMs,
        interpreter: createCliInterpreter(definition.createParser(now, invocation), now),
        onEvent: spec.onEvent,
        logger: options.logger,
        scope: `runtime[${name}]`,
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
        // The invocation is gone with the crashed runner; what its parser needs of it is the chosen session id.
        interpreter: createCliInterpreter(
          definition.createParser(now, { argv: [], ...(spec.resumeToken ? { sessionId: spec.resumeToken } : {}) }),
          now,
        ),
        logger: options.logger,
        scope: `runtime[${name}]`,
      });
    },
  };
}
