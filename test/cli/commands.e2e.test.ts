/**
 * Issue 2 acceptance, with real processes: config refusal, the single-instance
 * lock, control commands with and without a running instance, the --agent
 * one-liner.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Snapshot } from '@shared/snapshot';
import type { LocalTask } from '@shared/task';
import { describe, expect, it } from 'vitest';
import { cli, cliJson, cliOk, FAKE_AGENT, waitFor, writeFixtureConfig } from './harness';
import { cliSandbox } from './sandbox';

const box = cliSandbox('cmd');
const run = box.run;

const tasks = () => cliJson<LocalTask[]>(['tasks', '--data-dir', box.dataDir]);

describe('nightshift CLI (end to end)', () => {
  it('refuses a bad config naming the key, exits 2 and creates nothing', async () => {
    const config = join(box.dir, 'bad.json');
    await writeFile(
      config,
      JSON.stringify({
        daemons: [
          { name: 'x', source: { kind: 'local' }, runtime: { kind: 'command', command: ['node'] }, maxConcurrent: 0, colour: 1 },
        ],
      }),
    );
    const result = await cli(['run', '--config', config, '--data-dir', box.dataDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/daemons\[0\]\.maxConcurrent/);
    expect(result.stderr).toMatch(/unknown key "colour"/);
    expect(existsSync(box.dataDir)).toBe(false);
  });

  it('explains how to start when given no config and no agent (exit 2)', async () => {
    const result = await cli(['run', '--data-dir', box.dataDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--agent "node agent.js"/);
    expect(existsSync(box.dataDir)).toBe(false);
  });

  it('refuses a second run on the same data dir while the first keeps serving', async () => {
    await run(['--agent', `node ${FAKE_AGENT}`]);
    const second = await cli(['run', '--agent', `node ${FAKE_AGENT}`, '--data-dir', box.dataDir]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/another nightshift process \(the tray app or "nightshift run"\) is using the data dir/);
    const status = await cliJson<Snapshot>(['status', '--data-dir', box.dataDir]);
    expect(status.daemons.map((d) => d.name)).toEqual(['local']);
  });

  it('keeps the data dir (0700) and the control socket (0600) private, with a pid file while running', async () => {
    const instance = await run(['--agent', `node ${FAKE_AGENT}`]);
    expect((await stat(box.dataDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(box.dataDir, 'control.sock'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(box.dataDir, 'control.secret'))).mode & 0o777).toBe(0o600);
    expect(await cliOk(['status', '--data-dir', box.dataDir])).toMatch(/^DAEMON\s+STATE/);
    expect(Number(await readFile(join(box.dataDir, 'nightshift.pid'), 'utf8'))).toBe(instance.child.pid);
    instance.child.kill('SIGTERM');
    expect((await instance.exited).code).toBe(0);
    const left = await readdir(box.dataDir);
    expect(left).not.toContain('control.sock');
    expect(left).not.toContain('nightshift.pid');
    expect(left).not.toContain('control.secret');
  });

  it('the --agent one-liner runs queued tasks to done', async () => {
    await run(['--agent', `node ${FAKE_AGENT}`, '--max-concurrent', '2']);
    const id = (await cliOk(['task', 'add', 'say hello', '--title', 'greeting', '--data-dir', box.dataDir])).trim();
    await waitFor(async () => (await tasks()).some((t) => t.id === id && t.status === 'done'), 30_000, 'the task done');
    const [task] = await tasks();
    expect(task).toMatchObject({ id, title: 'greeting', status: 'done' });
    expect(task!.result).toMatch(/done: say hello/);
  });

  it('control commands drive a running instance: pause holds new tasks, wake runs them, cancel, stdin prompts', async () => {
    const agentLog = join(box.dir, 'agents.jsonl');
    const config = await writeFixtureConfig(box.dir, { agentLog, maxConcurrent: 1 });
    await run(['--config', config]);

    expect(await cliOk(['pause', '--data-dir', box.dataDir])).toMatch(/local\s+paused/);
    const status = await cliJson<Snapshot>(['status', '--data-dir', box.dataDir]);
    expect(status.daemons[0]).toMatchObject({ name: 'local', paused: true });

    const fromStdin = await cli(['task', 'add', '-', '--data-dir', box.dataDir], { input: 'multi-line\nprompt from stdin\n' });
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stderr).not.toMatch(/working on its database directly/);
    const stdinId = fromStdin.stdout.trim();
    const doomed = (await cliOk(['task', 'add', 'to be cancelled', '--data-dir', box.dataDir])).trim();
    await new Promise((r) => setTimeout(r, 600));
    expect((await tasks()).map((t) => t.status)).toEqual(['todo', 'todo']);

    const cancelled = await cli(['cancel', doomed, '--data-dir', box.dataDir]);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stderr).toMatch(`cancelled task ${doomed}`);

    expect(await cliOk(['wake', 'local', '--data-dir', box.dataDir])).toMatch(/local/);
    await waitFor(
      async () => (await tasks()).some((t) => t.id === stdinId && t.status === 'done'),
      30_000,
      'the stdin task done',
    );
    const byId = new Map((await tasks()).map((t) => [t.id, t]));
    expect(byId.get(stdinId)).toMatchObject({ prompt: 'multi-line\nprompt from stdin\n', status: 'done' });
    expect(byId.get(doomed)!.status).toBe('cancelled');

    const unknown = await cli(['pause', 'nope', '--data-dir', box.dataDir]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/nope/);
    const tableOut = await cliOk(['tasks', '--status', 'done', '--data-dir', box.dataDir]);
    expect(tableOut.split('\n')[0]).toMatch(/^ID\s+STATUS\s+QUEUE/);
    expect(tableOut).toContain(stdinId);
  });

  it('without a running instance: task add, tasks, status and pause work on the database and say so; approve is refused', async () => {
    const added = await cli(['task', 'add', 'queued before any run', '--data-dir', box.dataDir]);
    expect(added.code).toBe(0);
    expect(added.stderr).toMatch(/no nightshift instance running .* working on its database directly/);
    expect((await stat(box.dataDir)).mode & 0o777).toBe(0o700);
    const [task] = await tasks();
    expect(task).toMatchObject({ id: added.stdout.trim(), status: 'todo', prompt: 'queued before any run' });

    const approve = await cli(['approve', task!.id, '--data-dir', box.dataDir]);
    expect(approve.code).toBe(1);
    expect(approve.stderr).toMatch(/no nightshift instance is running .* "approve" needs one/);

    const badStatus = await cli(['tasks', '--status', 'finished', '--data-dir', box.dataDir]);
    expect(badStatus.code).toBe(2);
    expect(badStatus.stderr).toMatch(/--status must be one of todo, in_progress/);

    // Nothing has run here: no daemon is known, and none is invented.
    const ghost = await cli(['pause', 'local', '--data-dir', box.dataDir]);
    expect(ghost.code).toBe(1);
    expect(ghost.stderr).toMatch(/no daemon named "local"/);
    expect(await cliJson<Snapshot>(['status', '--data-dir', box.dataDir])).toMatchObject({ live: false, daemons: [] });

    const agentLog = join(box.dir, 'agents.jsonl');
    const config = await writeFixtureConfig(box.dir, { agentLog, maxConcurrent: 1 });
    const first = await run(['--config', config]);
    await waitFor(async () => (await tasks())[0]!.status === 'done', 30_000, 'the first task done');
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);

    // Offline, the configured daemon is stopped (never "running"); a pause set now persists into the next run.
    expect((await cliJson<Snapshot>(['status', '--data-dir', box.dataDir])).daemons).toMatchObject([
      { name: 'local', state: 'stopped', paused: false },
    ]);
    expect((await cli(['pause', 'local', '--data-dir', box.dataDir])).code).toBe(0);
    expect((await cliJson<Snapshot>(['status', '--data-dir', box.dataDir])).daemons[0]).toMatchObject({
      name: 'local',
      state: 'stopped',
      paused: true,
    });
    const human = await cliOk(['status', '--data-dir', box.dataDir]);
    expect(human).toMatch(/^local\s+stopped \(paused\)/m);
    await cliOk(['task', 'add', 'queued while paused', '--data-dir', box.dataDir]);
    await run(['--config', config]);
    await new Promise((r) => setTimeout(r, 800));
    const waiting = (await tasks())[0]!;
    expect(waiting).toMatchObject({ status: 'todo', blocked: expect.stringMatching(/^daemon paused \(local/) });
    expect(await cliOk(['tasks', '--data-dir', box.dataDir])).toMatch(/todo .*daemon paused \(local/);
    await cliOk(['wake', '--data-dir', box.dataDir]);
    await waitFor(async () => (await tasks())[0]!.status === 'done', 30_000, 'the task done after wake');
  }, 120_000);

  it('reads on a data dir where nothing ever ran fail clearly', async () => {
    const result = await cli(['tasks', '--data-dir', box.dataDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no nightshift data in .*nothing has run there yet/);
  });

  it('--dashboard serves the dashboard on 127.0.0.1 behind the printed token', async () => {
    const instance = await run(['--agent', `node ${FAKE_AGENT}`, '--dashboard']);
    await waitFor(() => /dashboard: http/.test(instance.stdout()), 10_000, 'the dashboard URL');
    const url = new URL(/dashboard: (\S+)/.exec(instance.stdout())![1]!);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.searchParams.get('token')).toBeTruthy();
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    const withoutToken = await fetch(`${url.origin}/`);
    expect(withoutToken.status).toBe(401);
  });

  it('--port needs --dashboard', async () => {
    const result = await cli(['run', '--agent', 'node x.js', '--port', '8080', '--data-dir', box.dataDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--port needs --dashboard/);
  });

  it('--help works on every command', async () => {
    for (const command of [
      [],
      ['run'],
      ['task', 'add'],
      ['tasks'],
      ['sessions'],
      ['status'],
      ['ticks'],
      ['pause'],
      ['wake'],
      ['approve'],
      ['reject'],
      ['cancel'],
    ]) {
      const result = await cli([...command, '--help']);
      expect(result.code, command.join(' ')).toBe(0);
      expect(result.stdout).toMatch(/^Usage: nightshift/);
    }
  });
});
