/**
 * The one place that spawns agents. Each agent leads its own process group
 * (`detached`), so one signal reaches it and everything it started: stop is
 * SIGTERM to the group, then SIGKILL to the group after a grace period. Output
 * is split into lines, handed to `onLine` and appended to a bounded log file.
 * No shell is ever involved: `argv` is passed as an argument array.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createBoundedLog, DEFAULT_MAX_LOG_BYTES } from './bounded-log';
import { createLineSplitter, DEFAULT_MAX_LINE_CHARS } from './line-splitter';

export const DEFAULT_STOP_GRACE_MS = 5000;
const GROUP_POLL_MS = 50;
/** After the leader exits, how long its pipes may stay open (held by a leftover child) before we stop reading. */
const PIPE_DRAIN_MS = 1000;

export type OutputStream = 'stdout' | 'stderr';

export interface AgentProcessOptions {
  /** Program and arguments; never interpreted by a shell. */
  argv: readonly string[];
  /** Written to the agent's stdin, which is then closed. Without it stdin is closed at once. */
  stdin?: string;
  cwd: string;
  env: Record<string, string>;
  logPath: string;
  stopGraceMs?: number;
  maxLogBytes?: number;
  maxLineChars?: number;
  onLine(stream: OutputStream, line: string): void;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (e.g. ENOENT). */
  spawnError?: string;
}

export interface AgentProcess {
  readonly pid: number | undefined;
  /** Resolves after the leader exited and its output reached `onLine` and the log. Never rejects. */
  readonly exited: Promise<ProcessExit>;
  /** SIGTERM to the process group, SIGKILL after the grace; resolves when the group is gone. Idempotent. */
  stop(): Promise<void>;
}

export function spawnAgentProcess(options: AgentProcessOptions): AgentProcess {
  const grace = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  const log = createBoundedLog(options.logPath, options.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES);
  const [program, ...args] = options.argv;
  if (!program) throw new Error('spawnAgentProcess: argv is empty');

  const child = spawn(program, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    shell: false,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const pid = child.pid;

  const lineHandler = (stream: OutputStream) => (line: string) => {
    log.append(stream === 'stderr' ? `[stderr] ${line}\n` : `${line}\n`);
    options.onLine(stream, line);
  };
  const maxLine = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  const out = createLineSplitter(lineHandler('stdout'), maxLine);
  const err = createLineSplitter(lineHandler('stderr'), maxLine);
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));

  // An agent that exits without reading its input makes our write fail with EPIPE: not our error.
  child.stdin.on('error', () => {});
  if (options.stdin !== undefined) child.stdin.end(options.stdin);
  else child.stdin.end();

  const exited = new Promise<ProcessExit>((resolve) => {
    let spawnError: string | undefined;
    child.once('error', (e) => {
      spawnError = e.message;
      // A failed spawn emits 'close' too on current Node, but not on every version: settle here as well.
      if (pid === undefined) setImmediate(() => finish(null, null));
    });
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      out.end();
      err.end();
      void log.flush().then(() => resolve({ code, signal, ...(spawnError ? { spawnError } : {}) }));
    };
    // 'close' comes after both pipes drained, so every line has been seen. A
    // leftover child holding the pipes would delay it forever: after the
    // leader's 'exit', give the pipes a moment, then stop reading and finish.
    child.once('close', (code, signal) => finish(code, signal));
    child.once('exit', (code, signal) => {
      setTimeout(() => {
        if (settled) return;
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code, signal);
      }, PIPE_DRAIN_MS).unref();
      // Whatever the agent left running in its group is an orphan of a finished run: end it.
      if (pid !== undefined) void terminateGroup(pid, grace);
    });
  });

  let stopping: Promise<void> | null = null;
  const stop = () => {
    if (pid === undefined) return exited.then(() => {});
    stopping ??= terminateGroup(pid, grace).then(() => exited.then(() => {}));
    return stopping;
  };

  return { pid, exited, stop };
}

/**
 * True while a live (non-zombie) process of the group exists. Zombies count as
 * gone: where PID 1 does not reap orphans (some containers) a killed
 * grandchild stays a zombie forever, yet it holds nothing.
 */
export async function groupAlive(pgid: number): Promise<boolean> {
  try {
    process.kill(-pgid, 0);
  } catch (e) {
    // EPERM means it exists but belongs to someone else: still alive.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  return (await liveMembersFromProc(pgid)) > 0;
}

async function liveMembersFromProc(pgid: number): Promise<number> {
  const entries = await readdir('/proc').catch(() => null);
  if (!entries) return 1;
  let live = 0;
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (pidDir) => {
        const stat = await readFile(`/proc/${pidDir}/stat`, 'utf8').catch(() => '');
        // "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses, so parse after the last ')'.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') live++;
      }),
  );
  return live;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** SIGTERM the whole group, wait up to `graceMs` for it to vanish, then SIGKILL it. */
export async function terminateGroup(pgid: number, graceMs: number): Promise<void> {
  if (!(await groupAlive(pgid))) return;
  signalGroup(pgid, 'SIGTERM');
  if (await waitForGroupExit(pgid, graceMs)) return;
  signalGroup(pgid, 'SIGKILL');
  await waitForGroupExit(pgid, 5000);
}

async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await groupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, GROUP_POLL_MS));
  }
  return true;
}
