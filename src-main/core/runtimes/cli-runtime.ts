/**
 * The frame of an agent-CLI runtime: availability via `--version`, a
 * minimal environment, and a run whose stream a CLI-specific parser reads.
 * Each CLI file only says how to invoke it and how to read its stream.
 */
import { rm } from 'node:fs/promises';
import type { RuntimeConfig } from '../config';
import { buildAgentEnv } from './agent-env';
import { adoptAgentRun, startAgentRun } from './agent-run';
import { BYTES_PER_MB } from './agent-wrapper';
import { checkLaunch } from './availability';
import { type CliStreamParser, createCliInterpreter, type ExitClassifier } from './cli-stream';
import type { RuntimeOptions } from './command';
import type { Launch } from './launch';
import type { AgentAdoptSpec, AgentHandle, AgentRuntime, AgentStartSpec, Availability } from './port';

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
  /** What the exit code alone says about the environment (gemini: 41, 55). */
  classifyExit?: ExitClassifier;
  /**
   * The CLI could not resume the conversation (it no longer exists, or was
   * never recorded): the run starts over with the task instead of failing.
   */
  resumeMissing?(error: string): boolean;
  /** An offline check of the CLI's login, run after the version check; the reason when logged out. */
  checkLogin?(launch: Launch, env: Record<string, string>): Promise<string | null>;
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
  // What to spawn for `binary`, learnt by each availability check (which runs before any dispatch): on Windows an
  // npm .cmd shim becomes `node <script>` (launch.ts); elsewhere the binary itself.
  let launch: Launch = { program: binary, args: [] };
  const run = (spec: AgentStartSpec): AgentHandle => {
    const invocation = definition.invocation(spec, config);
    const { argv, stdin } = invocation;
    return startAgentRun({
      argv: [launch.program, ...launch.args, ...argv],
      stdin,
      cwd: spec.cwd,
      env: buildAgentEnv({ taskId: spec.task.id, sessionId: spec.sessionId, declared: config.env }),
      logPath: spec.logPath,
      runDir: spec.runDir,
      startedAt: spec.startedAt,
      maxOutputBytes: config.maxOutputMb * BYTES_PER_MB,
      stopGraceMs: options.stopGraceMs,
      interpreter: createCliInterpreter(definition.createParser(now, invocation), now, definition.classifyExit),
      onEvent: spec.onEvent,
      logger: options.logger,
      scope: `runtime[${name}]`,
    });
  };
  return {
    name,
    timeoutMs: config.timeoutMs,
    stallMs: config.stallMs,
    async checkAvailability(): Promise<Availability> {
      const checked = await checkLaunch(binary, {
        versionArgs: ['--version'],
        installHint: definition.installHint,
        env: config.env,
      });
      launch = checked.launch;
      const found = checked.availability;
      if (!found.available || !definition.checkLogin) return found;
      const env = buildAgentEnv({ taskId: '', sessionId: '', declared: config.env });
      const loggedOut = await definition.checkLogin(launch, env);
      return loggedOut ? { available: false, reason: loggedOut } : found;
    },
    start(spec: AgentStartSpec): AgentHandle {
      if (!spec.isResume || !spec.resumeToken || !definition.resumeMissing) return run(spec);
      return startWithFreshFallback(spec, run, definition.resumeMissing);
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

/**
 * A resume whose conversation the CLI cannot find starts over with the task
 * prompt (plus the continuation message) instead of failing the task.
 */
function startWithFreshFallback(
  spec: AgentStartSpec,
  run: (spec: AgentStartSpec) => AgentHandle,
  resumeMissing: (error: string) => boolean,
): AgentHandle {
  let current = run(spec);
  let stopped = false;
  const done = current.done.then(async (outcome) => {
    const error = outcome.kind === 'failed' ? outcome.error : outcome.kind === 'environment' ? outcome.message : null;
    if (stopped || error === null || !resumeMissing(error)) return outcome;
    spec.onEvent({ type: 'output', stream: 'stdout', line: `cannot resume ${spec.resumeToken}: ${error}; starting over` });
    // The second run writes its own pid and exit record: clear the first one's.
    if (spec.runDir) await rm(spec.runDir, { recursive: true, force: true });
    if (stopped) return outcome;
    current = run({ ...spec, resumeToken: null });
    return current.done;
  });
  return {
    get pid() {
      return current.pid;
    },
    done,
    stop(reason) {
      stopped = true;
      return current.stop(reason);
    },
  };
}
