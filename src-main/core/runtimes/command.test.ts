import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_AGENT, isLive, makeSpec, tempDir, waitForEvent } from '../../../test/runtimes/helpers';
import { runtimeConfigSchema } from '../config';
import { createRuntime } from '.';
import { type CommandRuntimeConfig, commandArgv } from './command';
import type { AgentRuntime } from './port';

const NASTY = `fix it; rm -rf / && echo $(whoami) \`id\` "double" 'single' | cat > /tmp/x < /dev/null & * ? ~ {a,b} \\ $HOME %s %n\nsecond line 日本語 ✓\ttab`;
const FIXED_NOW = Date.UTC(2026, 10, 25, 8, 0, 0);

function commandConfig(input: Record<string, unknown>): CommandRuntimeConfig {
  const parsed = runtimeConfigSchema.parse({ kind: 'command', ...input });
  if (parsed.kind !== 'command') throw new Error('not a command config');
  return parsed;
}

describe('command runtime (real fake-agent processes)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ path: dir, cleanup } = await tempDir());
  });
  afterEach(async () => {
    delete process.env.NIGHTSHIFT_TEST_SECRET;
    await cleanup();
  });

  const runtime = (input: Record<string, unknown>): AgentRuntime =>
    createRuntime(commandConfig({ command: [process.execPath, FAKE_AGENT], ...input }), {
      stopGraceMs: 300,
      clock: { now: () => FIXED_NOW },
    });

  async function receivedPrompt(promptDir: string): Promise<string> {
    const [file] = await readdir(promptDir);
    return readFile(join(promptDir, file!), 'utf8');
  }

  it('delivers a prompt full of shell metacharacters byte-identical on stdin', async () => {
    const promptDir = join(dir, 'prompts');
    const rt = runtime({ env: { FAKE_AGENT_PROMPT_DIR: promptDir } });
    const { spec } = makeSpec(dir, NASTY);
    expect(await rt.start(spec).done).toMatchObject({ kind: 'completed' });
    expect(await receivedPrompt(promptDir)).toBe(NASTY);
  });

  it('replaces {prompt} inside its own argv element only (arg mode)', async () => {
    const promptDir = join(dir, 'prompts');
    const rt = runtime({
      command: [process.execPath, FAKE_AGENT, 'task:{prompt}'],
      promptVia: 'arg',
      env: { FAKE_AGENT_PROMPT_DIR: promptDir },
    });
    const { spec } = makeSpec(dir, NASTY);
    expect(await rt.start(spec).done).toMatchObject({ kind: 'completed' });
    expect(await receivedPrompt(promptDir)).toBe(`task:${NASTY}`);
    expect(commandArgv(commandConfig({ command: ['a', '{prompt}', 'b'], promptVia: 'arg' }), 'x y')).toEqual(['a', 'x y', 'b']);
  });

  it('gives the agent a minimal environment: no parent secrets', async () => {
    process.env.NIGHTSHIFT_TEST_SECRET = 'hunter2';
    const dump = join(dir, 'env.json');
    const rt = runtime({ env: { FAKE_AGENT_ENV_DUMP: dump, DECLARED: 'yes' } });
    await rt.start(makeSpec(dir, 'hello', { sessionId: 's_env' }).spec).done;
    const env = JSON.parse(await readFile(dump, 'utf8')) as Record<string, string>;
    expect(env.NIGHTSHIFT_TEST_SECRET).toBeUndefined();
    expect(env).toMatchObject({
      NIGHTSHIFT_TASK_ID: 't_1',
      NIGHTSHIFT_SESSION_ID: 's_env',
      DECLARED: 'yes',
      PATH: process.env.PATH,
    });
    const allowed = new Set([
      'PATH',
      'HOME',
      'LANG',
      'NIGHTSHIFT_TASK_ID',
      'NIGHTSHIFT_SESSION_ID',
      'FAKE_AGENT_ENV_DUMP',
      'DECLARED',
    ]);
    // Node itself may define a couple of variables for its child; nothing else of ours may appear.
    expect(Object.keys(env).filter((k) => !allowed.has(k) && !k.startsWith('NODE_'))).toEqual([]);
  });

  it('exit 0 completes with the last output lines as summary', async () => {
    const { spec, events } = makeSpec(dir, 'Write the docs');
    const outcome = await runtime({}).start(spec).done;
    expect(outcome).toEqual({
      kind: 'completed',
      summary: `${['(1/3)', '(2/3)', '(3/3)'].map((n) => `working on: Write the docs ${n}`).join('\n')}\ndone: Write the docs`,
    });
    expect(events.filter((e) => e.type === 'output')).toHaveLength(4);
  });

  it('non-zero exit fails with the tail of stderr and the exit code', async () => {
    const outcome = await runtime({}).start(makeSpec(dir, 'x exit=7 fail-message=compiler-exploded').spec).done;
    expect(outcome).toEqual({ kind: 'failed', error: 'compiler-exploded\n(exit code 7)' });
  });

  it('non-zero exit without stderr fails with the tail of stdout', async () => {
    const outcome = await runtime({}).start(makeSpec(dir, 'x exit=2').spec).done;
    expect(outcome.kind).toBe('failed');
    if (outcome.kind === 'failed') expect(outcome.error).toMatch(/working on: x exit=2 \(3\/3\)\n\(exit code 2\)$/);
  });

  it('rateLimitPattern with an epoch-seconds reset → rate_limited at that time, and a rate_limit event', async () => {
    const rt = runtime({ rateLimitPattern: 'RATE LIMITED until reset=(?<reset>\\S+)' });
    const { spec, events } = makeSpec(dir, 'job ratelimit=1795000000');
    const outcome = await rt.start(spec).done;
    expect(outcome).toEqual({
      kind: 'rate_limited',
      resumeAt: 1_795_000_000_000,
      message: 'RATE LIMITED until reset=1795000000',
    });
    expect(events).toContainEqual({
      type: 'rate_limit',
      resetAt: 1_795_000_000_000,
      message: 'RATE LIMITED until reset=1795000000',
    });
  });

  it('rateLimitPattern with an ISO reset', async () => {
    const rt = runtime({ rateLimitPattern: 'reset=(?<reset>\\S+)' });
    const outcome = await rt.start(makeSpec(dir, 'job ratelimit=2026-11-25T15:30:00Z').spec).done;
    expect(outcome).toMatchObject({ kind: 'rate_limited', resumeAt: Date.UTC(2026, 10, 25, 15, 30) });
  });

  it('rateLimitPattern without a reset group → one hour from the clock', async () => {
    const rt = runtime({ rateLimitPattern: 'RATE LIMITED' });
    const outcome = await rt.start(makeSpec(dir, 'job ratelimit=1795000000').spec).done;
    expect(outcome).toMatchObject({ kind: 'rate_limited', resumeAt: FIXED_NOW + 3_600_000 });
  });

  it('a resumed run gets the task prompt plus the continuation, and then completes', async () => {
    const promptDir = join(dir, 'prompts');
    const rt = runtime({ rateLimitPattern: 'reset=(?<reset>\\d+)', env: { FAKE_AGENT_PROMPT_DIR: promptDir } });
    const continuation = 'Rate limit window has reset. Continue working on the task where you left off.';
    const { spec } = makeSpec(dir, continuation, { isResume: true });
    spec.task.prompt = 'job ratelimit=1795000000';
    expect(await rt.start(spec).done).toMatchObject({ kind: 'completed' });
    expect(await receivedPrompt(promptDir)).toBe(`job ratelimit=1795000000\n\n${continuation}`);
  });

  it('stop(reason) ends the run with {kind: stopped, reason} and kills the group', async () => {
    const { spec, events } = makeSpec(dir, 'long spawn-grandchild sleep=60000');
    const handle = runtime({}).start(spec);
    const line = await waitForEvent(events, (e) => e.type === 'output' && e.line.startsWith('grandchild pid='));
    const grandchild = Number(line.type === 'output' ? line.line.split('=')[1] : NaN);
    await handle.stop('timeout');
    expect(await handle.done).toEqual({ kind: 'stopped', reason: 'timeout' });
    expect(await isLive(grandchild)).toBe(false);
  });

  it('a prompt the OS cannot pass as an argument fails the run instead of throwing', async () => {
    const rt = runtime({ command: [process.execPath, FAKE_AGENT, '{prompt}'], promptVia: 'arg' });
    const handle = rt.start(makeSpec(dir, 'nul\u0000byte').spec);
    expect(await handle.done).toMatchObject({ kind: 'failed', error: expect.stringContaining('could not start') });
    await handle.stop('cancelled');
  });

  it('exposes timeoutMs from config and checks availability of its program', async () => {
    const rt = runtime({ timeoutMs: 90_000 });
    expect(rt.timeoutMs).toBe(90_000);
    expect(await rt.checkAvailability()).toEqual({ available: true });
    const missing = createRuntime(commandConfig({ command: ['no-such-agent-binary-xyz'] }));
    expect(await missing.checkAvailability()).toEqual({ available: false, reason: 'no-such-agent-binary-xyz not found on PATH' });
  });

  it('watches for stalls only when stallMs is given: a plain command may rightly be silent for long', () => {
    expect(runtime({}).stallMs).toBeUndefined();
    expect(runtime({ stallMs: 300_000 }).stallMs).toBe(300_000);
  });
});
