/**
 * Tasks no daemon can take say why, are refused at add when they could never
 * run, and never hide the tasks behind them; dashboard-saved tuning is marked
 * as overriding the config file and can be reset (issue 12). Real SQLite,
 * the real supervisor and handlers.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src-main/api/dispatch';
import { createHandlers } from '../../src-main/api/handlers';
import { parseConfig } from '../../src-main/core/config';
import { createSupervisor } from '../../src-main/core/create-supervisor';
import type { Supervisor } from '../../src-main/core/supervisor';
import { type RouteTarget, refuseUnroutable, whyNoDaemonTakes } from '../../src-main/core/task-routing';
import { tempDirsPerTest } from '../support/temp-dir';

const tempDir = tempDirsPerTest();
let sup: Supervisor | null = null;

afterEach(async () => {
  await sup?.stop();
  sup = null;
});

const target = (over: Partial<RouteTarget> = {}): RouteTarget => ({
  name: 'local',
  queue: 'default',
  runtime: 'command',
  paused: false,
  unavailable: null,
  ...over,
});

describe('whyNoDaemonTakes', () => {
  it('names the first reason that applies: unknown queue, unknown runtime, unavailable, paused', () => {
    const targets = [target(), target({ name: 'ops', queue: 'ops', runtime: 'claude' })];
    expect(whyNoDaemonTakes({ queue: 'nope' }, targets)).toBe('unknown queue "nope": no daemon watches it (known: default, ops)');
    expect(whyNoDaemonTakes({ queue: 'ops', runtime: 'codex' }, targets)).toBe(
      'unknown runtime "codex" on queue "ops" (known: claude)',
    );
    const unavailable = [target({ unavailable: 'not found on PATH' })];
    expect(whyNoDaemonTakes({ queue: 'default' }, unavailable)).toBe('runtime unavailable: command: not found on PATH');
    expect(whyNoDaemonTakes({ queue: 'default' }, [target({ paused: true })])).toMatch(/^daemon paused \(local;/);
    expect(whyNoDaemonTakes({ queue: 'default', runtime: 'command' }, targets)).toBeNull();
    // One paused daemon is fine while another on the queue runs.
    expect(whyNoDaemonTakes({ queue: 'default' }, [target({ paused: true }), target({ name: 'b' })])).toBeNull();
  });

  it('refuses only what could never run, and nothing while no daemon is known', () => {
    expect(refuseUnroutable({ queue: 'x' }, [target()])).toBe('unknown queue "x"; known queues: default');
    expect(refuseUnroutable({ queue: 'default', runtime: 'gemini' }, [target()])).toBe(
      'unknown runtime "gemini" for queue "default"; known runtimes: command',
    );
    expect(refuseUnroutable({ queue: 'default' }, [target({ paused: true, unavailable: 'gone' })])).toBeNull();
    expect(refuseUnroutable({ queue: 'anything', runtime: 'x' }, [])).toBeNull();
  });
});

async function supervisor(dir: string): Promise<Supervisor> {
  const { config } = parseConfig({
    daemons: [
      { name: 'local', source: { kind: 'local', queue: 'default' }, runtime: { kind: 'command', command: ['true'] } },
      {
        name: 'ops',
        source: { kind: 'local', queue: 'ops' },
        runtime: { kind: 'command', command: ['true'] },
        paused: true,
        pollIntervalMs: 5_000,
      },
    ],
  });
  sup = await createSupervisor({ dataDir: join(dir, 'data'), config, startLoops: false });
  return sup;
}

describe('tasks no daemon can take (supervisor and handlers)', () => {
  it('addTask refuses an unknown queue or runtime with the known ones, and writes nothing', async () => {
    const s = await supervisor(tempDir());
    const refused = async (args: { prompt: string; queue?: string; runtime?: string }) => {
      const err = await Promise.resolve(createHandlers(s).addTask(args)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      return (err as ApiError).message;
    };
    expect(await refused({ prompt: 'x', queue: 'typo' })).toBe('unknown queue "typo"; known queues: default, ops');
    expect(await refused({ prompt: 'x', runtime: 'claude' })).toBe(
      'unknown runtime "claude" for queue "default"; known runtimes: command',
    );
    expect(s.queue.list()).toEqual([]);
  });

  it('a todo task says why it waits, in listTasks and in the snapshot', async () => {
    const s = await supervisor(tempDir());
    // Written straight to the queue, as an older version or another process could have.
    s.queue.add({ prompt: 'lost', queue: 'nowhere' });
    await createHandlers(s).addTask({ prompt: 'held', queue: 'ops' });
    await createHandlers(s).addTask({ prompt: 'fine' });
    const tasks = await createHandlers(s).listTasks({});
    const why = Object.fromEntries(tasks.map((t) => [t.title, t.blocked]));
    expect(why).toEqual({
      lost: 'unknown queue "nowhere": no daemon watches it (known: default, ops)',
      held: 'daemon paused (ops; "nightshift wake" resumes it)',
      fine: null,
    });
    const snapshot = await createHandlers(s).getSnapshot({});
    expect(snapshot.live).toBe(false);
    expect(snapshot.daemons.map((d) => d.state)).toEqual(['stopped', 'stopped']);
    expect(snapshot.blockedTasks).toEqual([
      { queue: 'nowhere', runtime: null, count: 1, reason: expect.stringMatching(/^unknown queue "nowhere"/) },
      { queue: 'ops', runtime: null, count: 1, reason: expect.stringMatching(/^daemon paused/) },
    ]);
  });

  it('tasks asking for another runtime never hide the tasks behind them from a daemon', async () => {
    const s = await supervisor(tempDir());
    for (let i = 0; i < 60; i++) s.queue.add({ prompt: `for codex ${i}`, runtime: 'codex' });
    const plain = s.queue.add({ prompt: 'any runtime' });
    const mine = s.queue.add({ prompt: 'command please', runtime: 'command' });
    expect(s.queue.claimable('default', 50, 'command').map((t) => t.id)).toEqual([plain.id, mine.id]);
  });
});

describe('tuning saved from a view overrides the config file', () => {
  it('is marked in settings and the snapshot, and resetDaemonTuning restores the config values', async () => {
    const s = await supervisor(tempDir());
    await createHandlers(s).setSettings({ daemons: [{ name: 'ops', pollIntervalMs: 7_000, maxConcurrent: 3 }] });
    // Saving the config's own value is not an override.
    await createHandlers(s).setSettings({ daemons: [{ name: 'local', jitter: true }] });
    let settings = await createHandlers(s).getSettings({});
    const ops = settings.daemons.find((d) => d.name === 'ops')!;
    expect(ops).toMatchObject({ pollIntervalMs: 7_000, maxConcurrent: 3, overridden: ['pollIntervalMs', 'maxConcurrent'] });
    expect(ops.configured).toEqual({ pollIntervalMs: 5_000, maxIdleBackoffMs: 120_000, maxConcurrent: 1, jitter: true });
    expect(settings.daemons.find((d) => d.name === 'local')!.overridden).toEqual([]);
    expect((await createHandlers(s).getSnapshot({})).daemons.find((d) => d.name === 'ops')!.overridden).toEqual([
      'pollIntervalMs',
      'maxConcurrent',
    ]);

    settings = await createHandlers(s).resetDaemonTuning({ name: 'ops', keys: ['maxConcurrent'] });
    expect(settings.daemons.find((d) => d.name === 'ops')).toMatchObject({ maxConcurrent: 1, overridden: ['pollIntervalMs'] });
    settings = await createHandlers(s).resetDaemonTuning({ name: 'ops' });
    expect(settings.daemons.find((d) => d.name === 'ops')).toMatchObject({ pollIntervalMs: 5_000, overridden: [] });
    expect(s.state.tuning('ops')).toEqual({});
    await expect(async () => createHandlers(s).resetDaemonTuning({ name: 'ghost' })).rejects.toThrow(/no daemon named "ghost"/);
  });
});
