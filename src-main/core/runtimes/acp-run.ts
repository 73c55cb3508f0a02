/**
 * One task run over the Agent Client Protocol: the agent is spawned as a
 * conversation process (conversation-process.ts: own process group, argv,
 * minimal env, bounded log, stdin left open); the SDK's client speaks
 * JSON-RPC over its stdio:
 * `initialize` → `session/load` (resume, when the agent advertises
 * `loadSession`) or `session/new` (cwd) → `session/prompt`. When the turn
 * ends, the agent (a server that would wait for the next prompt) is stopped.
 */
import { Writable } from 'node:stream';
import type { PromptResponse, RequestPermissionRequest, ToolKind } from '@agentclientprotocol/sdk';
import type { Logger } from '../log';
import { decidePermission } from './acp-permissions';
import { createAcpUpdateReader } from './acp-updates';
import { describeExit } from './agent-run';
import { type ConversationProcess, spawnConversationProcess } from './conversation-process';
import { classifyEnvironment, firstErrorLine } from './environment';
import { clipStart } from './output-tail';
import type { AgentEvent, AgentHandle, AgentOutcome, AgentStartSpec, StopReason } from './port';
import { processStartTime } from './process-identity';
import { DEFAULT_RATE_LIMIT_WAIT_MS, findResetTime } from './reset-time';
import { writeProcessRecord } from './run-folder';

export interface AcpRunOptions {
  argv: readonly string[];
  env: Record<string, string>;
  spec: AgentStartSpec;
  autoApprove: readonly ToolKind[];
  stopGraceMs?: number;
  now(): number;
  logger?: Logger;
  scope: string;
}

const LIMIT_TEXT = /rate limit|quota|usage limit|\b429\b|RESOURCE_EXHAUSTED/i;
/** stderr lines kept: the first ones (what went wrong), the latest in the last slot (why it hangs). */
const STDERR_KEPT = 40;

/** What the run saw of the agent, for the outcome of a stop for lack of progress. */
interface TurnWatch {
  /** The prompt was sent: the agent's turn is on. */
  prompted: boolean;
  /** The agent sent anything of its turn (text, a tool call) since. */
  answered: boolean;
}

export function startAcpRun(options: AcpRunOptions): AgentHandle {
  const { spec, logger, scope } = options;
  const emit = (event: AgentEvent) => {
    try {
      spec.onEvent(event);
    } catch (err) {
      logger?.log('error', scope, `event listener threw: ${(err as Error).message}`);
    }
  };
  const stderr: string[] = [];
  const turn: TurnWatch = { prompted: false, answered: false };
  const encoder = new TextEncoder();
  let feed!: ReadableStreamDefaultController<Uint8Array>;
  // The agent's stdout, line by line back into the byte stream the SDK reads (the process splits lines for the log).
  const agentOutput = new ReadableStream<Uint8Array>({
    start(controller) {
      feed = controller;
    },
  });

  let proc: ConversationProcess;
  try {
    proc = spawnConversationProcess({
      argv: options.argv,
      cwd: spec.cwd,
      env: options.env,
      logPath: spec.logPath,
      stopGraceMs: options.stopGraceMs,
      onLine(stream, line) {
        if (stream === 'stdout') return feed.enqueue(encoder.encode(`${line}\n`));
        if (stderr.length < STDERR_KEPT) stderr.push(line);
        else stderr[STDERR_KEPT - 1] = line;
        emit({ type: 'output', stream, line });
      },
    });
  } catch (err) {
    const error = `could not start ${options.argv[0]}: ${(err as Error).message}`;
    return { pid: undefined, done: Promise.resolve({ kind: 'failed', error }), stop: () => Promise.resolve() };
  }
  if (spec.runDir && proc.pid !== undefined) recordAgent(spec.runDir, proc.pid, spec.startedAt ?? options.now(), options);
  void proc.exited.then(() => {
    try {
      feed.close(); // the SDK then closes the connection and rejects what is still pending
    } catch {
      // already closed
    }
  });

  let stopReason: StopReason | null = null;
  let cancel: (() => void) | null = null;
  const done = (async (): Promise<AgentOutcome> => {
    let outcome: AgentOutcome;
    try {
      outcome = await converse(proc, agentOutput, options, emit, turn, (fn) => {
        cancel = fn;
      });
    } catch (err) {
      const exit = await Promise.race([proc.exited, new Promise<null>((r) => setTimeout(() => r(null), 50))]);
      outcome = failure(err, exit ? describeExit(exit) : null, stderr, options.now);
    }
    await proc.stop();
    const exit = await proc.exited;
    if (stopReason === 'stalled') return stalledOutcome(stderr, turn) ?? { kind: 'stopped', reason: stopReason };
    if (stopReason) return { kind: 'stopped', reason: stopReason };
    // The binary is gone or cannot be executed: the machine's problem, not the task's.
    if (exit.spawnError) {
      return { kind: 'environment', cause: 'cli', message: `could not start ${options.argv[0]}: ${exit.spawnError}` };
    }
    return outcome;
  })();

  return {
    pid: proc.pid,
    done,
    stop(reason) {
      stopReason ??= reason;
      (cancel as (() => void) | null)?.();
      return proc.stop();
    },
  };
}

/**
 * The agent's pid and OS start time in the run folder. A conversation over
 * pipes cannot be adopted by a restarted runner, and an agent whose client
 * died does not always exit (gemini --acp keeps retrying its turn, recorded):
 * with this record the restart finds it on any OS, checks it is the same
 * process, and kills its group (reconcile.ts) before the task runs again.
 */
function recordAgent(runDir: string, pid: number, startedAt: number, options: AcpRunOptions): void {
  void processStartTime(pid)
    .then((startTime) => writeProcessRecord(runDir, { pid, startTime, startedAt }))
    .catch((err) => options.logger?.log('warn', options.scope, `could not record the agent in ${runDir}: ${String(err)}`));
}

async function converse(
  proc: ConversationProcess,
  agentOutput: ReadableStream<Uint8Array>,
  options: AcpRunOptions,
  emit: (e: AgentEvent) => void,
  turn: TurnWatch,
  onCancel: (fn: () => void) => void,
): Promise<AgentOutcome> {
  const { spec } = options;
  // Loaded on first use: the SDK is ESM-only and only ACP runtimes need it.
  const acp = await import('@agentclientprotocol/sdk');
  const reader = createAcpUpdateReader();
  let sessionId: string | null = null;
  let replaying = false;

  const connection = acp
    .client({ name: 'nightshift' })
    .onNotification('session/update', ({ params }) => {
      // session/load replays the old conversation first: it is history, not this run's work.
      if (replaying || params.sessionId !== sessionId) return;
      const events = reader.onUpdate(params.update);
      if (turn.prompted && events.length > 0) turn.answered = true;
      for (const event of events) emit(event);
    })
    .onRequest('session/request_permission', async ({ params }: { params: RequestPermissionRequest }) => {
      const decision = await decidePermission(params, options.autoApprove, spec.cwd);
      emit({ type: 'activity', kind: 'permission', detail: decision.detail });
      emit({ type: 'output', stream: 'stdout', line: `permission ${decision.detail}` });
      return decision.response;
    })
    .connect(acp.ndJsonStream(Writable.toWeb(proc.input) as WritableStream<Uint8Array>, agentOutput));
  try {
    const init = await connection.agent.request('initialize', {
      protocolVersion: acp.PROTOCOL_VERSION,
      // No file system or terminal offered: the agent uses its own tools, under the permission policy.
      clientCapabilities: { fs: { readTextFile: false, writeTextFile: false }, terminal: false },
      clientInfo: { name: 'nightshift', version: '1' },
    });
    const canLoad = init.agentCapabilities?.loadSession === true;
    let text = spec.isResume ? `${spec.task.prompt}\n\n${spec.prompt}` : spec.prompt;
    if (spec.isResume && spec.resumeToken && canLoad) {
      replaying = true;
      sessionId = spec.resumeToken;
      try {
        await connection.agent.request('session/load', { sessionId, cwd: spec.cwd, mcpServers: [] });
        text = spec.prompt;
      } catch (err) {
        // The agent no longer has that conversation: start over with the task rather than fail it.
        emit({
          type: 'output',
          stream: 'stdout',
          line: `could not resume session ${sessionId}: ${(err as Error).message}; starting a new one`,
        });
        sessionId = null;
      } finally {
        replaying = false;
      }
    }
    if (!sessionId) sessionId = (await connection.agent.request('session/new', { cwd: spec.cwd, mcpServers: [] })).sessionId;
    // A session id is only worth keeping when the agent can load it again.
    if (canLoad) emit({ type: 'resume_token', token: sessionId });

    const id = sessionId;
    onCancel(() => void connection.agent.notify('session/cancel', { sessionId: id }).catch(() => {}));
    turn.prompted = true;
    const response = await connection.agent.request('session/prompt', { sessionId, prompt: [{ type: 'text', text }] });
    for (const event of reader.flush()) emit(event);
    const usage = usageOf(response);
    if (usage) emit(usage);
    return turnOutcome(response, reader.lastMessage());
  } finally {
    connection.close();
  }
}

function turnOutcome(response: PromptResponse, lastMessage: string): AgentOutcome {
  switch (response.stopReason) {
    case 'end_turn':
      return { kind: 'completed', summary: clipStart(lastMessage) || 'The agent ended its turn without a message.' };
    case 'refusal':
      return { kind: 'failed', error: `the agent refused to continue${lastMessage ? `: ${clipStart(lastMessage)}` : ''}` };
    case 'cancelled':
      return { kind: 'failed', error: 'the agent cancelled the turn' };
    default:
      return { kind: 'failed', error: `the agent stopped: ${response.stopReason}` };
  }
}

function usageOf(response: PromptResponse): AgentEvent | null {
  // Not in the stable schema, but sent by agents (Copilot): {inputTokens, outputTokens}.
  const usage = (response as { usage?: { inputTokens?: unknown; outputTokens?: unknown } }).usage;
  if (!usage || typeof usage.inputTokens !== 'number') return null;
  return {
    type: 'usage',
    inputTokens: usage.inputTokens,
    outputTokens: typeof usage.outputTokens === 'number' ? usage.outputTokens : 0,
  };
}

/** ACP's `auth_required` error (gemini --acp without a key, copilot --acp logged out, recorded). */
const AUTH_REQUIRED = -32000;

/**
 * A protocol error or an agent gone before answering, as the task's outcome:
 * a rate limit; an environment failure (`auth_required`, or the agent's own
 * words about login, network or its installation); else a task failure.
 */
function failure(err: unknown, exit: string | null, stderr: readonly string[], now: () => number): AgentOutcome {
  const rpc = err as { code?: unknown; message?: string };
  const message = typeof rpc.code === 'number' ? (rpc.message ?? 'error') : null;
  if (message && LIMIT_TEXT.test(message)) {
    return { kind: 'rate_limited', resumeAt: findResetTime(message, now()) ?? now() + DEFAULT_RATE_LIMIT_WAIT_MS, message };
  }
  const why = message ?? firstErrorLine(stderr) ?? `the agent closed the connection (${(err as Error).message})`;
  const cause = rpc.code === AUTH_REQUIRED ? 'auth' : classifyEnvironment(why);
  if (cause) return { kind: 'environment', cause, message: clipStart(why, 500) };
  return { kind: 'failed', error: exit ? `${clipStart(why)} (${exit})` : clipStart(why) };
}

/**
 * Stopped for lack of progress. An environment failure when the agent's
 * last stderr line names one (gemini after its client is gone: "Retrying
 * with backoff... fetch failed"), or when it took the prompt and sent
 * nothing back at all: gemini --acp with no network is silent while its
 * client is connected (recorded), and a model that answers always streams
 * something. Else a task failure (null: the loop says "stalled").
 */
function stalledOutcome(stderr: readonly string[], turn: TurnWatch): AgentOutcome | null {
  const last = stderr.at(-1);
  const cause = last ? classifyEnvironment(last) : null;
  if (cause && last) return { kind: 'environment', cause, message: `${clipStart(last, 300)} (no progress, stopped)` };
  if (turn.prompted && !turn.answered) {
    return {
      kind: 'environment',
      cause: 'network',
      message: 'the agent took the prompt and sent nothing back (its model API unreachable?)',
    };
  }
  return null;
}
