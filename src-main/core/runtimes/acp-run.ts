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
import type { AgentEvent, AgentHandle, AgentOutcome, AgentStartSpec, StopReason } from '../types';
import { decidePermission } from './acp-permissions';
import { createAcpUpdateReader } from './acp-updates';
import { describeExit } from './agent-run';
import { type ConversationProcess, spawnConversationProcess } from './conversation-process';
import { clipStart, OutputTail } from './output-tail';
import { DEFAULT_RATE_LIMIT_WAIT_MS, findResetTime } from './reset-time';

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

export function startAcpRun(options: AcpRunOptions): AgentHandle {
  const { spec, logger, scope } = options;
  const emit = (event: AgentEvent) => {
    try {
      spec.onEvent(event);
    } catch (err) {
      logger?.log('error', scope, `event listener threw: ${(err as Error).message}`);
    }
  };
  const stderr = new OutputTail();
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
        stderr.push(line);
        emit({ type: 'output', stream, line });
      },
    });
  } catch (err) {
    const error = `could not start ${options.argv[0]}: ${(err as Error).message}`;
    return { pid: undefined, done: Promise.resolve({ kind: 'failed', error }), stop: () => Promise.resolve() };
  }
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
      outcome = await converse(proc, agentOutput, options, emit, (fn) => {
        cancel = fn;
      });
    } catch (err) {
      const exit = await Promise.race([proc.exited, new Promise<null>((r) => setTimeout(() => r(null), 50))]);
      outcome = failure(err, exit ? describeExit(exit) : null, stderr, options.now);
    }
    await proc.stop();
    const exit = await proc.exited;
    if (stopReason) return { kind: 'stopped', reason: stopReason };
    if (exit.spawnError) return { kind: 'failed', error: `could not start ${options.argv[0]}: ${exit.spawnError}` };
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

async function converse(
  proc: ConversationProcess,
  agentOutput: ReadableStream<Uint8Array>,
  options: AcpRunOptions,
  emit: (e: AgentEvent) => void,
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
      for (const event of reader.onUpdate(params.update)) emit(event);
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

/** A protocol error or an agent gone before answering, as the task's outcome. */
function failure(err: unknown, exit: string | null, stderr: OutputTail, now: () => number): AgentOutcome {
  const rpc = err as { code?: unknown; message?: string };
  const message = typeof rpc.code === 'number' ? (rpc.message ?? 'error') : null;
  if (message && LIMIT_TEXT.test(message)) {
    return { kind: 'rate_limited', resumeAt: findResetTime(message, now()) ?? now() + DEFAULT_RATE_LIMIT_WAIT_MS, message };
  }
  const why =
    message ?? (stderr.isEmpty ? `the agent closed the connection (${(err as Error).message})` : clipStart(stderr.text()));
  return { kind: 'failed', error: exit ? `${why} (${exit})` : why };
}
