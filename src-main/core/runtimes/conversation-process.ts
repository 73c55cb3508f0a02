/**
 * An agent we talk with over its stdio for the whole run (ACP): spawned with
 * pipes, stdin left open. Unlike {@link spawnAgentProcess} there is no agent
 * wrapper and run folder, because a conversation over pipes cannot outlive
 * the runner anyway: a runtime using this has no `adopt`, and after a crash
 * its leftovers are found by their NIGHTSHIFT_SESSION_ID and killed
 * (leftovers.ts). The rest is the same discipline: argv without a shell,
 * the given (minimal) env, its own process group (stop = SIGTERM to the
 * group, SIGKILL after the grace), output split into lines and appended to
 * a bounded log.
 */
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { createBoundedLog, DEFAULT_MAX_LOG_BYTES } from '../bounded-log';
import { type AgentProcess, DEFAULT_STOP_GRACE_MS, type ProcessExit, terminateGroup } from './agent-process';
import { createLineSplitter, DEFAULT_MAX_LINE_CHARS } from './line-splitter';
import type { OutputStream } from './port';

/** After the agent exits, how long its pipes may stay open (held by a leftover child) before we stop reading. */
const PIPE_DRAIN_MS = 1000;

export interface ConversationProcessOptions {
  argv: readonly string[];
  cwd: string;
  env: Record<string, string>;
  logPath: string;
  stopGraceMs?: number;
  onLine(stream: OutputStream, line: string): void;
}

export interface ConversationProcess extends AgentProcess {
  /** The agent's stdin, open until the run ends. */
  readonly input: Writable;
}

export function spawnConversationProcess(options: ConversationProcessOptions): ConversationProcess {
  const grace = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  const [program, ...args] = options.argv;
  if (!program) throw new Error('spawnConversationProcess: argv is empty');
  const log = createBoundedLog(options.logPath, DEFAULT_MAX_LOG_BYTES);

  const child = spawn(program, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    shell: false,
    windowsHide: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  const lineHandler = (stream: OutputStream) => (line: string) => {
    log.append(stream === 'stderr' ? `[stderr] ${line}\n` : `${line}\n`);
    options.onLine(stream, line);
  };
  const out = createLineSplitter(lineHandler('stdout'), DEFAULT_MAX_LINE_CHARS);
  const err = createLineSplitter(lineHandler('stderr'), DEFAULT_MAX_LINE_CHARS);
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  // An agent that exits while we write makes the write fail with EPIPE: its exit says why.
  child.stdin.on('error', () => {});

  const exited = new Promise<ProcessExit>((resolve) => {
    let spawnError: string | undefined;
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      out.end();
      err.end();
      void log.flush().then(() => resolve({ code, signal, ...(spawnError ? { spawnError } : {}) }));
    };
    child.once('error', (e) => {
      spawnError = e.message;
      if (pid === undefined) setImmediate(() => finish(null, null));
    });
    // 'close' comes after both pipes drained; a leftover child holding them would delay it forever.
    child.once('close', (code, signal) => finish(code, signal));
    child.once('exit', (code, signal) => {
      setTimeout(() => {
        if (settled) return;
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code, signal);
      }, PIPE_DRAIN_MS).unref();
      if (pid !== undefined) void terminateGroup(pid, grace);
    });
  });

  let stopping: Promise<void> | null = null;
  const stop = () => {
    if (pid === undefined) return exited.then(() => {});
    stopping ??= terminateGroup(pid, grace).then(() => exited.then(() => {}));
    return stopping;
  };
  return { pid, input: child.stdin, exited, stop };
}
