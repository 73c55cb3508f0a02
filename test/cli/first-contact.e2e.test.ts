/**
 * Issue 12 with real processes: exit codes for every command, a failed
 * task's reason where the user looks, the sessions timeline, a busy
 * --port, and the dashboard token that outlives a run.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, cliJson, cliOk, FAKE_AGENT, type RunningInstance, waitFor } from './harness';
import { cliSandbox } from './sandbox';

const box = cliSandbox('first');
const run = box.run;

async function stop(instance: RunningInstance): Promise<void> {
  instance.child.kill('SIGTERM');
  await instance.exited;
}

describe('exit codes (docs/cli.md): 2 bad usage, 1 failure, 0 success', () => {
  it('every command', async () => {
    const d = ['--data-dir', box.dataDir];
    const cases: [string[], number][] = [
      // 2: unknown flag, bad value, missing required option or argument
      [['run', '--bogus'], 2],
      [['run', '--max-concurrent', '0', '--agent', 'x', ...d], 2],
      [['run', ...d], 2],
      [['task', 'add', '--bogus', 'x'], 2],
      [['task', 'add', ...d], 2],
      [['tasks', '--status', 'finished', ...d], 2],
      [['sessions', '--bogus'], 2],
      [['status', '--bogus'], 2],
      [['ticks', '--since-minutes', '-1', ...d], 2],
      [['pause', '--bogus'], 2],
      [['wake', '--bogus'], 2],
      [['approve', ...d], 2],
      [['reject', 't_1', ...d], 2],
      [['cancel', ...d], 2],
      [['dashboard', '--bogus'], 2],
      [['doctor', '--bogus'], 2],
      [['no-such-command'], 2],
      // 1: a failure
      [['tasks', ...d], 1], // nothing ran here yet
      [['sessions', ...d], 1],
      [['status', ...d], 1],
      [['ticks', ...d], 1],
      [['approve', 't_1', ...d], 1], // needs a running instance
      [['reject', 't_1', '--reason', 'r', ...d], 1],
      [['cancel', 't_1', ...d], 1],
      [['dashboard', ...d], 1], // no token yet
      [['task', 'add', '   ', ...d], 2], // after the reads above: a refused task creates no task
      // 0: success
      [['--version'], 0],
      [['--help'], 0],
      [['task', 'add', 'real work', ...d], 0],
      [['tasks', ...d], 0],
      [['sessions', ...d], 0],
      [['status', ...d], 0],
      [['ticks', ...d], 0],
      [['pause', ...d], 0],
      [['wake', ...d], 0],
      [['dashboard', '--new-token', ...d], 0],
      [['dashboard', ...d], 0],
      [['doctor', ...d], 0],
    ];
    const got: string[] = [];
    for (const [args, expected] of cases) {
      const { code, stderr } = await cli(args);
      if (code !== expected) got.push(`nightshift ${args.join(' ')} → ${code}, expected ${expected}: ${stderr.trim()}`);
    }
    expect(got).toEqual([]);
    // With an instance: unknown task ids are failures (1), the rest succeeds.
    const instance = await run(['--agent', `node ${FAKE_AGENT}`]);
    expect((await cli(['approve', 't_nope', ...d])).code).toBe(1);
    expect((await cli(['cancel', 't_nope', ...d])).code).toBe(1);
    expect((await cli(['pause', 'ghost', ...d])).code).toBe(1);
    expect((await cli(['task', 'add', 'x', '--queue', 'typo', ...d])).code).toBe(2);
    await stop(instance);
  }, 120_000);
});

describe('a failed task and the timeline', () => {
  it('shows the reason in tasks (REASON, cut to the width), the log line, and sessions --events without --json', async () => {
    const instance = await run(['--agent', `node ${FAKE_AGENT}`]);
    const id = (
      await cliOk(['task', 'add', 'exit=3 fail-message=compiler-exploded', '--title', 'build it', '--data-dir', box.dataDir])
    ).trim();
    await waitFor(
      async () =>
        (await cliJson<{ id: string; status: string }[]>(['tasks', '--data-dir', box.dataDir])).some(
          (t) => t.id === id && t.status === 'failed',
        ),
      30_000,
      'the task failed',
    );
    const table = (await cli(['tasks', '--data-dir', box.dataDir], { env: { COLUMNS: '100' } })).stdout;
    const [header, row] = table.split('\n');
    expect(header).toMatch(/\bREASON$/);
    expect(row).toMatch(new RegExp(`^${id}\\s+failed\\s.*build it\\s+\\S`));
    for (const line of table.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    await waitFor(() => /Failed: build it: .+/.test(instance.stderr()), 10_000, 'the failure log line');
    const logLine = instance
      .stderr()
      .split('\n')
      .find((l) => l.includes('Failed: build it: '))!;
    expect(logLine).not.toMatch(/\(exit code 1\)$/);

    const json = await cliJson<{ id: string; result: string; createdAt: string; updatedAt: string }[]>([
      'tasks',
      '--data-dir',
      box.dataDir,
    ]);
    expect(json[0]!.result).toContain('compiler-exploded');
    expect(json[0]!.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const timeline = await cliOk(['sessions', '--events', '--data-dir', box.dataDir]);
    expect(timeline).toMatch(/^s_\S+\s+local\s+failed\/failed\s+run 1\s+"build it"$/m);
    expect(timeline).toMatch(/^\s+\d{4}-\d\d-\d\dT\S+Z\s+claimed\s+claiming → active/m);
    expect(timeline).not.toMatch(/^\s*[[{]/); // not JSON
    const sessions = await cliJson<{ workspace: unknown; createdAt: string; events?: unknown[] }[]>([
      'sessions',
      '--events',
      '--data-dir',
      box.dataDir,
    ]);
    expect(typeof sessions[0]!.workspace).toBe('object');
    expect(sessions[0]!.workspace).toMatchObject({ path: expect.any(String) });
    expect(sessions[0]!.createdAt).toMatch(/Z$/);
    expect(sessions[0]!.events!.length).toBeGreaterThan(2);
    await stop(instance);
  }, 90_000);
});

describe('run --dashboard', () => {
  let blocker: Server | null = null;
  afterEach(() => blocker?.close());

  it('a busy --port exits 1 at once with one line, before any daemon or lock', async () => {
    blocker = createServer();
    await new Promise<void>((r) => blocker!.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const result = await cli([
      'run',
      '--agent',
      `node ${FAKE_AGENT}`,
      '--dashboard',
      '--port',
      String(port),
      '--data-dir',
      box.dataDir,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `nightshift: --port ${port} is in use on 127.0.0.1; choose another port, or leave --port out for a free one`,
    ]);
    expect(existsSync(join(box.dataDir, 'nightshift.db'))).toBe(false);
    expect(existsSync(join(box.dataDir, 'control.secret'))).toBe(false);
  });

  it('keeps the token (0600) and the port across restarts; --new-token replaces it', async () => {
    const first = await run(['--agent', `node ${FAKE_AGENT}`, '--dashboard']);
    await waitFor(() => /dashboard: http/.test(first.stdout()), 10_000, 'the dashboard URL');
    const url1 = first.stdout().match(/dashboard: (\S+)/)![1]!;
    const tokenFile = join(box.dataDir, 'dashboard.token');
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
    await stop(first);

    const second = await run(['--agent', `node ${FAKE_AGENT}`, '--dashboard']);
    await waitFor(() => /dashboard: http/.test(second.stdout()), 10_000, 'the dashboard URL');
    expect(second.stdout().match(/dashboard: (\S+)/)![1]).toBe(url1);
    expect((await fetch(url1)).status).toBe(200);
    expect((await cliOk(['dashboard', '--data-dir', box.dataDir])).trim()).toBe(url1);
    await stop(second);

    const rotated = (await cliOk(['dashboard', '--new-token', '--data-dir', box.dataDir])).trim();
    expect(rotated).not.toBe(url1);
    expect((await readFile(tokenFile, 'utf8')).trim()).toBe(new URL(rotated).searchParams.get('token'));
    const third = await run(['--agent', `node ${FAKE_AGENT}`, '--dashboard']);
    await waitFor(() => /dashboard: http/.test(third.stdout()), 10_000, 'the dashboard URL');
    expect((await fetch(url1)).status).toBe(401);
    expect((await fetch(rotated)).status).toBe(200);
    await stop(third);
  }, 90_000);
});

describe('settings saved from the dashboard override the config file', () => {
  it('status marks them and the next run logs each one at start', async () => {
    const { connectToInstance } = await import('../../src-main/headless/commands/instance-connect');
    const first = await run(['--agent', `node ${FAKE_AGENT}`]);
    const conn = (await connectToInstance(box.dataDir))!;
    await conn.api.setSettings({ daemons: [{ name: 'local', pollIntervalMs: 4_000 }] });
    conn.close();
    expect(await cliOk(['status', '--data-dir', box.dataDir])).toMatch(
      /\b4s\*…120s\b[\s\S]*\* saved from the dashboard; overrides the config file/,
    );
    await stop(first);
    const second = await run(['--agent', `node ${FAKE_AGENT}`]);
    expect(second.stderr()).toMatch(
      /daemon "local": pollIntervalMs 4000 \(saved from the dashboard\) overrides the config's 10000/,
    );
    await stop(second);
  }, 60_000);
});
