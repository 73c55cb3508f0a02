/**
 * The one place that spawns agents. Each agent runs under the agent wrapper
 * (agent-wrapper.ts), which leads its own process group (`detached`), so one
 * signal reaches it and everything it started: stop is SIGTERM to the group,
 * then SIGKILL to the group after a grace period. The agent's output goes to
 * files in its run folder and is followed from there (split into lines,
 * handed to `onLine` and appended to a bounded log file); its exit status is
 * written there by the wrapper. Nothing of the run depends on a pipe the
 * runner holds, so a restarted runner can adopt it ({@link adoptAgentProcess}).
 * No shell is ever involved: `argv` is passed as an argument array.
 */
import { spawn } from 'node:child_process';
import { createBoundedLog, DEFAULT_MAX_LOG_BYTES } from '../bounded-log';
import { wrapperArgv, wrapperEnv, wrapperStdin } from './agent-wrapper';
import { createLineSplitter, DEFAULT_MAX_LINE_CHARS } from './line-splitter';
import { followOutput } from './output-follower';
import type { OutputStream } from './port';
import { watchProcessIdentity } from './process-identity';
import { processTreeOps, terminateTree } from './process-tree';
import { type ExitRecord, readExitRecord } from './run-folder';

export const DEFAULT_STOP_GRACE_MS = 5000;
/** How often an adopted run (not our child: no exit event) is checked for its exit record. */
export const ADOPTED_POLL_MS = 250;

interface OutputOptions {
  logPath: string;
  /** The run folder: the wrapper's records and the agent's output files. */
  runDir: string;
  stopGraceMs?: number;
  maxLogBytes?: number;
  maxLineChars?: number;
  onLine(stream: OutputStream, line: string): void;
}

export interface AgentProcessOptions extends OutputOptions {
  /** Program and arguments; never interpreted by a shell. */
  argv: readonly string[];
  /** Written to the agent's stdin, which is then closed. Without it stdin is closed at once. */
  stdin?: string;
  cwd: string;
  env: Record<string, string>;
  /** When the run started (the caller's clock), recorded for the timeout of a later adoption. */
  startedAt?: number;
  /** The cap on the run's output files, enforced by the wrapper; default DEFAULT_MAX_OUTPUT_MB. */
  maxOutputBytes?: number;
}

export interface AdoptOptions extends OutputOptions {
  /** The wrapper's pid and OS start time, from its record (checked by the caller). */
  pid: number;
  startTime: string | null;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (e.g. ENOENT). */
  spawnError?: string;
  /** Set when the wrapper stopped the agent for passing this cap on its output, in bytes. */
  outputLimitBytes?: number;
}

export interface AgentProcess {
  readonly pid: number | undefined;
  /** Resolves after the leader exited and its output reached `onLine` and the log. Never rejects. */
  readonly exited: Promise<ProcessExit>;
  /** SIGTERM to the process group, SIGKILL after the grace; resolves when the group is gone. Idempotent. */
  stop(): Promise<void>;
}

/** Line splitting and the bounded log, fed by the output follower. */
function createOutputSink(options: OutputOptions) {
  const log = createBoundedLog(options.logPath, options.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES);
  const lineHandler = (stream: OutputStream) => (line: string) => {
    log.append(stream === 'stderr' ? `[stderr] ${line}\n` : `${line}\n`);
    options.onLine(stream, line);
  };
  const maxLine = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  const splitters = {
    stdout: createLineSplitter(lineHandler('stdout'), maxLine),
    stderr: createLineSplitter(lineHandler('stderr'), maxLine),
  };
  const follower = followOutput(options.runDir, (stream, chunk) => splitters[stream].push(chunk));
  return {
    log,
    /** Reads the output to its end, flushes the last partial lines and the log. */
    async finish(): Promise<void> {
      await follower.finish();
      splitters.stdout.end();
      splitters.stderr.end();
      await log.flush();
    },
  };
}

function fromRecord(record: ExitRecord): ProcessExit {
  return {
    code: record.code,
    signal: record.signal as NodeJS.Signals | null,
    ...(record.spawnError !== undefined ? { spawnError: record.spawnError } : {}),
    ...(record.outputLimit !== undefined ? { outputLimitBytes: record.outputLimit } : {}),
  };
}

export function spawnAgentProcess(options: AgentProcessOptions): AgentProcess {
  const grace = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  if (!options.argv[0]) throw new Error('spawnAgentProcess: argv is empty');
  const [program, ...args] = wrapperArgv(options.runDir, options.startedAt ?? Date.now(), options.stdin, options.argv, {
    maxOutputBytes: options.maxOutputBytes,
  });

  const child = spawn(program!, args, {
    cwd: options.cwd,
    env: wrapperEnv(options.env),
    detached: true,
    shell: false,
    // Windows: a detached child gets a console window of its own unless hidden.
    windowsHide: true,
    // The wrapper reads the prompt from this pipe; it writes nothing the runner must read.
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  const pid = child.pid;
  const sink = createOutputSink(options);

  // A wrapper that exits early makes our write fail with EPIPE: its exit record says why.
  child.stdin.on('error', () => {});
  child.stdin.end(wrapperStdin(options.stdin));

  const exited = new Promise<ProcessExit>((resolve) => {
    let spawnError: string | undefined;
    let settled = false;
    const finish = async (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      // Whatever the agent left running in its group is an orphan of a finished run: end it.
      if (pid !== undefined) void terminateGroup(pid, grace);
      const record = spawnError ? null : await readExitRecord(options.runDir);
      await sink.finish();
      if (spawnError) resolve({ code, signal, spawnError });
      else resolve(record ? fromRecord(record) : { code, signal });
    };
    child.once('error', (e) => {
      spawnError = e.message;
      // A failed spawn emits 'close' too on current Node, but not on every version: settle here as well.
      if (pid === undefined) setImmediate(() => void finish(null, null));
    });
    // Output comes from files, so the wrapper's exit is the end: no pipes to wait for.
    child.once('exit', (code, signal) => void finish(code, signal));
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
 * Re-attaches to a run a crashed runner started: follows its output files
 * from the start (the interpreter sees every line again), and waits for the
 * wrapper's exit record, checking every {@link ADOPTED_POLL_MS} that the
 * wrapper is still the process that was started. A run that had already
 * finished resolves at once with its recorded exit.
 */
export function adoptAgentProcess(options: AdoptOptions): AgentProcess {
  const grace = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  const { pid, runDir } = options;
  const sink = createOutputSink(options);
  sink.log.append("--- adopted by a restarted Nightshift: this run's output follows again from its start ---\n");

  const exited = (async (): Promise<ProcessExit> => {
    let record = await readExitRecord(runDir);
    const stillSame = watchProcessIdentity(pid, options.startTime);
    while (!record) {
      if (!(await stillSame())) {
        // Gone: either it wrote its record just now, or it was killed and could not.
        record = (await readExitRecord(runDir)) ?? { code: null, signal: null };
        break;
      }
      await new Promise((r) => setTimeout(r, ADOPTED_POLL_MS));
      record = await readExitRecord(runDir);
    }
    void terminateGroup(pid, grace);
    await sink.finish();
    return fromRecord(record);
  })();

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= terminateGroup(pid, grace).then(() => exited.then(() => {}));
    return stopping;
  };
  return { pid, exited, stop };
}

/** True while a live member of the agent's process tree exists (its process group on Unix). */
export function groupAlive(pgid: number): Promise<boolean> {
  return processTreeOps().alive(pgid);
}

/** Ends the agent's whole tree: SIGTERM, then SIGKILL after `graceMs` (taskkill /T, then /T /F, on Windows). */
export function terminateGroup(pgid: number, graceMs: number): Promise<void> {
  return terminateTree(pgid, graceMs);
}
