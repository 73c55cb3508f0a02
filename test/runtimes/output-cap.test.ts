/**
 * The cap on an agent's output files (the runtime's `maxOutputMb`), with real
 * processes: an agent that prints forever is stopped by its wrapper, with or
 * without a runner watching, its files stay near the cap, and the task fails
 * with a reason that names the setting.
 */
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema, parseConfig } from '../../src-main/core/config';
import { buildAgentEnv } from '../../src-main/core/runtimes/agent-env';
import { outputLimitError } from '../../src-main/core/runtimes/agent-run';
import { BYTES_PER_MB, RUN_FILES, wrapperArgv, wrapperStdin } from '../../src-main/core/runtimes/agent-wrapper';
import { createCommandRuntime } from '../../src-main/core/runtimes/command';
import { readExitRecord, readWrapperRecord } from '../../src-main/core/runtimes/run-folder';
import { isLive, makeSpec, tempDir } from './helpers';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ path: dir, cleanup } = await tempDir('ns-outcap-'));
});
afterEach(() => cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Prints 16 KB every millisecond (≈ 16 MB/s) to stdout and to stderr, forever; prints its pid first. */
const FLOOD = `
  console.error('pid=' + process.pid);
  const chunk = 'x'.repeat(16 * 1024 - 1) + '\\n';
  setInterval(() => { process.stdout.write(chunk); process.stderr.write(chunk); }, 1);
`;
const FLOOD_IGNORING_SIGTERM = `process.on('SIGTERM', () => {});\n${FLOOD}`;

async function outputBytes(runDir: string): Promise<number> {
  const sizes = await Promise.all([RUN_FILES.stdout, RUN_FILES.stderr].map((f) => stat(join(runDir, f)).then((s) => s.size)));
  return sizes[0]! + sizes[1]!;
}

/** Starts a wrapper with no runner reading its files (as a kill -9 of the runner leaves it) and lets go of it. */
async function unwatchedRun(runDir: string, script: string, maxOutputBytes: number) {
  const env = buildAgentEnv({ taskId: 't_1', sessionId: 's_1' });
  const [program, ...args] = wrapperArgv(runDir, 1_000, '', [process.execPath, '-e', script], { maxOutputBytes });
  const child = spawn(program!, args, { cwd: dir, env, detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  child.stdin.end(wrapperStdin(''));
  child.unref();
  for (let i = 0; i < 250 && !(await readWrapperRecord(runDir)); i++) await sleep(20);
  const record = await readWrapperRecord(runDir);
  if (!record) throw new Error('the wrapper never wrote its record');
  return record;
}

async function exitRecordWithin(runDir: string, ms: number) {
  for (let waited = 0; waited < ms; waited += 50) {
    const record = await readExitRecord(runDir);
    if (record) return record;
    await sleep(50);
  }
  return null;
}

describe('output cap, enforced by the agent wrapper', () => {
  it('stops an agent printing forever with nobody watching, and records why', async () => {
    const runDir = join(dir, 'run');
    const cap = 1 * BYTES_PER_MB;
    const wrapper = await unwatchedRun(runDir, FLOOD, cap);
    const exit = await exitRecordWithin(runDir, 15_000);
    expect(exit).toEqual({ code: null, signal: 'SIGTERM', outputLimit: cap });
    expect(await isLive(wrapper.pid)).toBe(false);
    const written = await outputBytes(runDir);
    expect(written).toBeGreaterThan(cap);
    // One check interval at ≈ 32 MB/s (both streams) is ≈ 8 MB; 24 MB leaves room for a loaded machine.
    expect(written).toBeLessThan(cap + 24 * BYTES_PER_MB);
  });

  it('an agent that ignores SIGTERM is killed after the short grace', async () => {
    const runDir = join(dir, 'run');
    const cap = 1 * BYTES_PER_MB;
    await unwatchedRun(runDir, FLOOD_IGNORING_SIGTERM, cap);
    const exit = await exitRecordWithin(runDir, 15_000);
    expect(exit).toEqual({ code: null, signal: 'SIGKILL', outputLimit: cap });
    expect(await outputBytes(runDir)).toBeLessThan(cap + 64 * BYTES_PER_MB);
  });

  it('an agent under the cap is not touched', async () => {
    const runDir = join(dir, 'run');
    await unwatchedRun(runDir, "process.stdout.write('x'.repeat(4096)); setTimeout(() => {}, 600);", 1 * BYTES_PER_MB);
    expect(await exitRecordWithin(runDir, 15_000)).toEqual({ code: 0, signal: null });
  });
});

describe('output cap, as the task sees it', () => {
  it('the run fails with a reason naming maxOutputMb, and no process of it is left', async () => {
    const config = configSchema.parse({
      daemons: [
        {
          name: 'd',
          source: { kind: 'local' },
          runtime: { kind: 'command', command: [process.execPath, '-e', FLOOD], maxOutputMb: 1 },
        },
      ],
    }).daemons[0]!.runtime;
    const runtime = createCommandRuntime(config as Extract<typeof config, { kind: 'command' }>, { stopGraceMs: 500 });
    await runtime.checkAvailability();
    const { spec, events } = makeSpec(dir, 'print forever', { runDir: join(dir, 'runs', 's_1', '1') });
    const handle = runtime.start(spec);
    const outcome = await handle.done;
    expect(outcome).toEqual({ kind: 'failed', error: outputLimitError(BYTES_PER_MB) });
    expect(outputLimitError(BYTES_PER_MB)).toBe("stopped: its output passed 1 MB, the runtime's maxOutputMb");
    const pidLine = events.find((e) => e.type === 'output' && e.line.startsWith('pid='));
    const agentPid = Number(pidLine?.type === 'output' ? pidLine.line.slice(4) : 0);
    expect(agentPid).toBeGreaterThan(0);
    expect(await isLive(agentPid)).toBe(false);
  });
});

describe('maxOutputMb in the config', () => {
  const daemon = (runtime: Record<string, unknown>) => ({ daemons: [{ name: 'd', source: { kind: 'local' }, runtime }] });

  it('defaults to 512 for the runtimes that write output files', () => {
    const claude = parseConfig(daemon({ kind: 'claude' })).config.daemons[0]!.runtime;
    expect(claude).toMatchObject({ maxOutputMb: 512 });
  });

  it('refuses a cap under 1 MB, and the key where it means nothing (ACP reads pipes into bounded buffers)', () => {
    expect(() => parseConfig(daemon({ kind: 'command', command: ['x'], maxOutputMb: 0 }))).toThrow(
      'daemons[0].runtime.maxOutputMb: Too small: expected number to be >=1',
    );
    expect(() => parseConfig(daemon({ kind: 'acp', binary: 'gemini', maxOutputMb: 5 }))).toThrow(
      'daemons[0].runtime: unknown key "maxOutputMb"',
    );
  });
});
