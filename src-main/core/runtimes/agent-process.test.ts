import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_AGENT, isLive, tempDir } from '../../../test/runtimes/helpers';
import { buildAgentEnv } from './agent-env';
import { spawnAgentProcess } from './agent-process';
import type { OutputStream } from './port';

describe('spawnAgentProcess (real child processes)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ path: dir, cleanup } = await tempDir());
  });
  afterEach(() => cleanup());

  const env = () => buildAgentEnv({ taskId: 't_1', sessionId: 's_1' });

  function run(prompt: string, extra: { stopGraceMs?: number; maxLogBytes?: number } = {}) {
    const lines: { stream: OutputStream; line: string }[] = [];
    const proc = spawnAgentProcess({
      argv: [process.execPath, FAKE_AGENT],
      stdin: prompt,
      cwd: dir,
      env: env(),
      logPath: join(dir, 'session.log'),
      runDir: join(dir, 'run'),
      onLine: (stream, line) => lines.push({ stream, line }),
      ...extra,
    });
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 500; i++) {
        const hit = lines.find((l) => re.test(l.line));
        if (hit) return hit.line;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`never printed ${re}`);
    };
    return { proc, lines, waitFor };
  }

  it('splits stdout and stderr into lines, logs them and reports the exit code', async () => {
    const { proc, lines } = run('build it exit=3 fail-message=broken sleep=10');
    const exit = await proc.exited;
    expect(exit).toEqual({ code: 3, signal: null });
    expect(lines).toContainEqual({ stream: 'stderr', line: 'broken' });
    expect(lines.filter((l) => l.stream === 'stdout').map((l) => l.line)).toHaveLength(3);
    const log = await readFile(join(dir, 'session.log'), 'utf8');
    expect(log).toContain('working on: build it exit=3 fail-message=broken sleep=10 (1/3)\n');
    expect(log).toContain('[stderr] broken\n');
  });

  it('stop() kills the whole process group, grandchild included', async () => {
    const { proc, waitFor } = run('spawn-grandchild sleep=60000');
    const grandchild = Number((await waitFor(/grandchild pid=/)).split('=')[1]);
    expect(await isLive(grandchild)).toBe(true);
    await proc.stop();
    const exit = await proc.exited;
    expect(exit.signal).toBe('SIGTERM');
    expect(await isLive(proc.pid!)).toBe(false);
    expect(await isLive(grandchild)).toBe(false);
  });

  it('an agent ignoring SIGTERM is SIGKILLed after the grace period', async () => {
    const { proc, waitFor } = run('ignore-sigterm sleep=60000', { stopGraceMs: 300 });
    await waitFor(/working on/);
    const started = Date.now();
    await Promise.all([proc.stop(), proc.stop()]); // idempotent
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect((await proc.exited).signal).toBe('SIGKILL');
  });

  it('a missing program resolves exited with the spawn error instead of throwing', async () => {
    const proc = spawnAgentProcess({
      argv: [join(dir, 'no-such-agent')],
      cwd: dir,
      env: env(),
      logPath: join(dir, 'x.log'),
      runDir: join(dir, 'run-x'),
      onLine: () => {},
    });
    const exit = await proc.exited;
    expect(exit.spawnError).toMatch(/ENOENT/);
    await proc.stop(); // harmless
  });

  it('keeps the session log bounded while a chatty agent runs', async () => {
    const chatty = [process.execPath, '-e', 'for (let i = 0; i < 4000; i++) console.log("line " + i + " " + "x".repeat(40))'];
    const proc = spawnAgentProcess({
      argv: chatty,
      cwd: dir,
      env: env(),
      logPath: join(dir, 'big.log'),
      runDir: join(dir, 'run-big'),
      maxLogBytes: 20_000,
      onLine: () => {},
    });
    expect((await proc.exited).code).toBe(0);
    expect((await stat(join(dir, 'big.log'))).size).toBeLessThanOrEqual(20_000);
    expect((await stat(join(dir, 'big.log.1'))).size).toBeLessThanOrEqual(20_000);
    expect(await readFile(join(dir, 'big.log'), 'utf8')).toMatch(/line 3999 x+\n$/);
  });
});

describe('buildAgentEnv', () => {
  it('passes PATH, HOME, LANG, the ids and declared env only', () => {
    const env = buildAgentEnv({
      taskId: 't',
      sessionId: 's',
      declared: { FOO: 'bar', PATH: '/custom' },
      parent: { PATH: '/usr/bin', HOME: '/home/u', LANG: 'C.UTF-8', NIGHTSHIFT_TEST_SECRET: 'x', GITHUB_TOKEN: 'y' },
    });
    expect(env).toEqual({
      PATH: '/custom',
      HOME: '/home/u',
      LANG: 'C.UTF-8',
      FOO: 'bar',
      NIGHTSHIFT_TASK_ID: 't',
      NIGHTSHIFT_SESSION_ID: 's',
    });
  });
});
