/**
 * The tiny supervisor every agent runs under, so that a crash of the runner
 * (kill -9, power loss of the UI process) wastes no agent work. It is a
 * separate Node process (the runner's own binary, `-e`), leader of the
 * agent's process group, and it survives the runner:
 *
 * - it writes `wrapper.json` (its pid and OS start time, for identity checks
 *   at restart) into the run folder before the agent starts (on Windows the
 *   start time costs a PowerShell run, so the agent starts a moment later);
 * - it reads the whole handover from its stdin, the prompt (possibly empty)
 *   and then one end byte the runner writes as it closes the pipe, and checks
 *   both: a runner killed before its handover ended (its pipe closed by the
 *   kernel, not by the runner) leaves no agent started and no record, never
 *   an agent with half a prompt, and never an agent the restart cannot see
 *   and would run a second time;
 * - a second guard for a runner that dies after the handover but before the
 *   record is on disk (macOS and Windows write it after a ps/PowerShell run):
 *   the agent starts only while the runner is still the wrapper's parent
 *   (Unix: the parent pid changes when the parent dies; Windows keeps it);
 * - the agent's stdout/stderr go straight to files in the run folder (not to
 *   pipes the runner holds), and its exit status to `exit.json` (written
 *   atomically: tmp + rename) once it exits;
 * - it bounds those files: once stdout and stderr together pass the run's
 *   cap (`maxOutputMb`), checked every {@link OUTPUT_CHECK_MS}, it stops the
 *   agent (SIGTERM to the group, SIGKILL after {@link OUTPUT_STOP_GRACE_MS})
 *   and records `outputLimit` in `exit.json`. The wrapper enforces it, not the
 *   runner, so that it holds while no runner is alive to watch;
 * - it ignores SIGTERM/SIGINT/SIGHUP: a stop signals the whole group, the
 *   agent ends, and the wrapper stays just long enough to record how.
 *
 * Plain CommonJS without dependencies: it runs as `node -e` (or Electron with
 * ELECTRON_RUN_AS_NODE), outside the bundle.
 */
import { POWERSHELL_START_TIME_ARGS, WINDOWS_START_TIME_TIMEOUT_MS } from './windows-start-time';

export const RUN_FILES = {
  wrapper: 'wrapper.json',
  exit: 'exit.json',
  stdout: 'stdout',
  stderr: 'stderr',
} as const;

/** Windows: the runner's SystemRoot, for the wrapper's own PowerShell call only (removed before the agent starts). */
export const WRAPPER_SYSTEMROOT_KEY = 'NIGHTSHIFT_WRAPPER_SYSTEMROOT';

/** Exit code of a wrapper that got an incomplete handover and started nothing. */
export const WRAPPER_INCOMPLETE_PROMPT = 125;
/** The last byte of every handover: the runner writes it as it closes the wrapper's stdin. */
export const HANDOVER_END = 0x04;
/** Exit code of a wrapper whose runner died before the agent started: it started nothing. */
export const WRAPPER_RUNNER_GONE = 124;

/** Default cap on one run's stdout + stderr files (the runtime's `maxOutputMb`). */
export const DEFAULT_MAX_OUTPUT_MB = 512;
export const BYTES_PER_MB = 1024 * 1024;
/**
 * How often the wrapper compares the output files with the cap. The overshoot
 * is what the agent writes in this time plus the grace below: a few MB for a
 * chatty CLI, more for a runaway `yes`; the cap bounds it, not to the byte.
 */
export const OUTPUT_CHECK_MS = 250;
/** An agent past its output cap gets this long after SIGTERM before SIGKILL: it is writing, not finishing. */
export const OUTPUT_STOP_GRACE_MS = 1000;

export const WRAPPER_SOURCE = String.raw`'use strict';
const fs = require('fs');
const path = require('path');
const { spawn, execFile } = require('child_process');
const [dir, startedAt, expectedBytes, runnerPid, maxOutputBytes, ...argv] = process.argv.slice(1);
const file = (name) => path.join(dir, name);
function writeJson(name, value) {
  fs.writeFileSync(file(name + '.tmp'), JSON.stringify(value));
  fs.renameSync(file(name + '.tmp'), file(name));
}
// Async on macOS/BSD (a ps child): the wrapper keeps reading its stdin meanwhile,
// and starts the agent only once wrapper.json is on disk (see 'end' below).
function startTime(pid, done) {
  if (process.platform === 'linux') {
    try {
      const stat = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
      done(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] || null);
    } catch (e) {
      done(null);
    }
    return;
  }
  if (process.platform === 'win32') {
    // WMI's CreationDate via PowerShell (windows-start-time.ts reads the same back); null if it cannot say.
    const args = ${JSON.stringify(POWERSHELL_START_TIME_ARGS)}.map((a) => a.replace('{pid}', String(pid)));
    // WMI and PowerShell need SystemRoot, which the agent's minimal environment does not carry.
    const env = Object.assign({}, process.env, { SystemRoot: process.env.${WRAPPER_SYSTEMROOT_KEY} || 'C:\\Windows' });
    execFile('powershell.exe', args, { encoding: 'utf8', env, windowsHide: true, timeout: ${WINDOWS_START_TIME_TIMEOUT_MS}, killSignal: 'SIGKILL' },
      (e, out) => done(e ? null : out.trim() || null));
    return;
  }
  execFile('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', env: { PATH: '/bin:/usr/bin', LC_ALL: 'C' } },
    (e, out) => done(e ? null : out.trim() || null));
}
fs.mkdirSync(dir, { recursive: true });
const out = fs.openSync(file('${RUN_FILES.stdout}'), 'a');
const err = fs.openSync(file('${RUN_FILES.stderr}'), 'a');
const recorded = new Promise((resolve) => startTime(process.pid, (time) => {
  writeJson('${RUN_FILES.wrapper}', { pid: process.pid, startTime: time, startedAt: Number(startedAt) });
  resolve();
}));
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => {});
let finished = false;
function finish(exit) {
  if (finished) return;
  finished = true;
  writeJson('${RUN_FILES.exit}', exit);
  process.exit(exit.code === null ? 1 : exit.code);
}
process.on('uncaughtException', (e) => {
  try { fs.writeSync(err, '[nightshift wrapper] ' + (e && e.stack ? e.stack : String(e)) + '\n'); } catch (_) {}
  finish({ code: null, signal: null, spawnError: 'agent wrapper: ' + (e && e.message ? e.message : String(e)) });
});
const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('error', () => {});
function startNothing(code) {
  try { fs.unlinkSync(file('${RUN_FILES.wrapper}')); } catch (_) {}
  process.exit(code);
}
process.stdin.on('end', () => recorded.then(() => {
  const input = Buffer.concat(chunks);
  const promptBytes = Number(expectedBytes);
  if (input.length !== promptBytes + 1 || input[promptBytes] !== ${HANDOVER_END}) startNothing(${WRAPPER_INCOMPLETE_PROMPT});
  // process.ppid is read live: it is no longer the runner once the runner died.
  if (process.platform !== 'win32' && process.ppid !== Number(runnerPid)) startNothing(${WRAPPER_RUNNER_GONE});
  const env = Object.assign({}, process.env);
  delete env.ELECTRON_RUN_AS_NODE;
  delete env.${WRAPPER_SYSTEMROOT_KEY};
  let child;
  try {
    child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', out, err], env, windowsHide: true });
  } catch (e) {
    finish({ code: null, signal: null, spawnError: e.message });
    return;
  }
  child.stdin.on('error', () => {});
  child.stdin.end(input.subarray(0, promptBytes));
  const cap = Number(maxOutputBytes);
  let overLimit = false;
  if (cap > 0) {
    const sizeOf = (fd) => { try { return fs.fstatSync(fd).size; } catch (_) { return 0; } };
    const watch = setInterval(() => {
      if (sizeOf(out) + sizeOf(err) <= cap) return;
      clearInterval(watch);
      overLimit = true;
      stopAgent(child);
    }, ${OUTPUT_CHECK_MS});
  }
  child.on('error', (e) => finish({ code: null, signal: null, spawnError: e.message }));
  child.on('exit', (code, signal) => finish(overLimit ? { code, signal, outputLimit: cap } : { code, signal }));
}));
// Unix: the whole group (the wrapper ignores SIGTERM), then the agent itself; what else is
// left in the group is ended by whoever reads exit.json (agent-process.ts). Windows: its tree.
function stopAgent(child) {
  if (process.platform === 'win32') {
    execFile('taskkill', ['/PID', String(child.pid), '/T', '/F'], { windowsHide: true }, () => {});
    return;
  }
  try { process.kill(-process.pid, 'SIGTERM'); } catch (_) {}
  setTimeout(() => { try { child.kill('SIGKILL'); } catch (_) {} }, ${OUTPUT_STOP_GRACE_MS}).unref();
}
`;

export interface WrapperArgvOptions {
  /** The process that spawns the wrapper: this one, unless a test plays the runner in a child process. */
  runnerPid?: number;
  /** The cap on the run's output files together; default {@link DEFAULT_MAX_OUTPUT_MB}. */
  maxOutputBytes?: number;
}

/** argv for the runner's spawn: its own binary, the wrapper source, then the wrapper's arguments. */
export function wrapperArgv(
  runDir: string,
  startedAt: number,
  stdin: string | undefined,
  agentArgv: readonly string[],
  options: WrapperArgvOptions = {},
): string[] {
  const expected = Buffer.byteLength(stdin ?? '', 'utf8');
  const runnerPid = options.runnerPid ?? process.pid;
  const given = options.maxOutputBytes;
  // A cap that is not a positive number (a config built by hand) falls back to the default, never to no cap.
  const maxOutput = given !== undefined && given > 0 ? Math.floor(given) : DEFAULT_MAX_OUTPUT_MB * BYTES_PER_MB;
  const args = [runDir, String(startedAt), String(expected), String(runnerPid), String(maxOutput)];
  return [process.execPath, '-e', WRAPPER_SOURCE, '--', ...args, ...agentArgv];
}

/** What the runner writes to the wrapper's stdin, all at once, then closes: the prompt and the end byte. */
export function wrapperStdin(stdin: string | undefined): Buffer {
  return Buffer.concat([Buffer.from(stdin ?? '', 'utf8'), Buffer.from([HANDOVER_END])]);
}

/** The wrapper is the runner's own binary: under Electron it must be told to behave as Node. */
export function wrapperEnv(
  agentEnv: Record<string, string>,
  platform: NodeJS.Platform = process.platform,
  parent: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = process.versions.electron ? { ...agentEnv, ELECTRON_RUN_AS_NODE: '1' } : { ...agentEnv };
  const systemRoot = parent.SystemRoot ?? parent.SYSTEMROOT;
  if (platform === 'win32' && systemRoot) env[WRAPPER_SYSTEMROOT_KEY] = systemRoot;
  return env;
}
