/**
 * The whole core through its front door: createCore over a temp data dir,
 * the real command runtime spawning the fixture agent, the local queue, the
 * contract handlers. Real processes, real SQLite, real time (short intervals).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { NightshiftCore } from '../../src-main/api/core-api';
import { createCore } from '../../src-main/api/create-core';
import type { ApiHandlers } from '../../src-main/api/dispatch';
import { parseConfig } from '../../src-main/core/config';
import { tempDirsPerTest } from '../support/temp-dir';

const tempDir = tempDirsPerTest();
const FAKE_AGENT = resolve(__dirname, '../fixtures/fake-agent.mjs');
let core: NightshiftCore | null = null;

afterEach(async () => {
  await core?.stop({ agentGraceMs: 1_000 });
  core = null;
});

async function start(dir: string, extra: { maxConcurrent?: number; review?: boolean } = {}) {
  const { config } = parseConfig({
    daemons: [
      {
        name: 'local',
        source: { kind: 'local', queue: 'default', review: extra.review ?? false },
        runtime: { kind: 'command', command: [process.execPath, FAKE_AGENT], env: { FAKE_AGENT_LOG: join(dir, 'agents.jsonl') } },
        maxConcurrent: extra.maxConcurrent ?? 2,
        pollIntervalMs: 200,
        maxIdleBackoffMs: 1_000,
      },
    ],
  });
  core = await createCore({ dataDir: join(dir, 'data'), config });
  return core.handlers;
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const allDone = (api: ApiHandlers, n: number) => async () => {
  const tasks = await api.listTasks({});
  return tasks.length === n && tasks.every((t) => t.status === 'done') && tasks;
};

describe('core end to end (in process)', () => {
  it('runs queued tasks on real agents, never more than maxConcurrent at once', async () => {
    const dir = tempDir();
    const api = await start(dir, { maxConcurrent: 2 });
    // Queue everything while paused so that one tick fills both slots at once.
    await api.pauseDaemon({ name: 'local' });
    for (let i = 0; i < 6; i++) await api.addTask({ prompt: `task ${i} sleep=400`, title: `T${i}` });
    await api.wakeDaemon({ name: 'local' });
    const tasks = await until('all tasks done', allDone(api, 6));
    expect(tasks.map((t) => t.result)).toEqual(expect.arrayContaining([expect.stringContaining('done: task 0')]));

    const events = readFileSync(join(dir, 'agents.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    let live = 0;
    let peak = 0;
    for (const e of events.sort((a, b) => a.at - b.at || (a.event === 'end' ? -1 : 1))) {
      live += e.event === 'start' ? 1 : -1;
      peak = Math.max(peak, live);
    }
    expect(peak).toBeLessThanOrEqual(2);
    expect(peak).toBe(2);
    expect(events.filter((e) => e.event === 'start')).toHaveLength(6);

    // The source says done before the session finishes cleaning up: wait for the sessions too.
    const sessions = await until('sessions closed', async () => {
      const list = await api.listSessions({});
      return list.every((s) => s.state === 'closed') && list;
    });
    expect(sessions.every((s) => s.lastOutput.length > 0)).toBe(true);
    const timeline = await api.getSessionEvents({ sessionId: sessions[0]!.id });
    expect(timeline.map((e) => e.event)).toEqual(['created', 'claimed', 'agent_completed', 'finished']);
    const ticks = await api.getTicks({ daemon: 'local', since: 0 });
    expect(ticks.length).toBeGreaterThan(0);
    expect(ticks.reduce((n, t) => n + t.dispatched, 0)).toBe(6);
  });

  it('a failing agent fails its task with the tail of stderr', async () => {
    const api = await start(tempDir());
    const task = await api.addTask({ prompt: 'exit=3 fail-message=compiler-exploded' });
    await until('task failed', async () => (await api.listTasks({})).find((t) => t.id === task.id && t.status === 'failed'));
    // The task is failed once reported; the session closes right after (workspace cleanup).
    await until('session failed', async () => (await api.listSessions({}))[0]?.state === 'failed');
    const [session] = await api.listSessions({});
    expect(session!.result).toContain('compiler-exploded');
  });

  it('pause holds new work, wake picks it up at once; the snapshot says so', async () => {
    const api = await start(tempDir());
    await api.pauseDaemon({ name: 'local' });
    const snap = await api.getSnapshot({});
    expect(snap.daemons[0]).toMatchObject({ name: 'local', paused: true, state: 'paused', nextTickAt: null });
    const task = await api.addTask({ prompt: 'sleep=10' });
    await new Promise((r) => setTimeout(r, 600));
    expect((await api.listTasks({}))[0]!.status).toBe('todo');
    await api.wakeDaemon({ name: 'local' });
    await until('task done', async () => (await api.listTasks({})).find((t) => t.id === task.id && t.status === 'done'));
  });

  it('cancelling a running task stops its agent', async () => {
    const api = await start(tempDir());
    const task = await api.addTask({ prompt: 'sleep=30000' });
    await until('agent running', async () => (await api.getSnapshot({})).daemons[0]!.slots.length === 1);
    await api.cancelTask({ id: task.id });
    const session = await until('session closed', async () => (await api.listSessions({})).find((s) => s.state === 'closed'));
    expect(session.outcome).toBe('cancelled');
    expect((await api.listTasks({}))[0]!.status).toBe('cancelled');
  });

  it('review: reject resumes with the reason, approve closes', async () => {
    const api = await start(tempDir(), { review: true });
    const task = await api.addTask({ prompt: 'write the thing sleep=10' });
    await until('in review', async () => (await api.listTasks({})).find((t) => t.status === 'in_review'));
    await api.rejectTask({ id: task.id, reason: 'missing tests' });
    await until('in review again', async () => {
      const [s] = await api.listSessions({});
      return s?.state === 'in_review' && s.attempt === 2;
    });
    await api.approveTask({ id: task.id });
    const [session] = await until('closed', async () => {
      const list = await api.listSessions({});
      return list[0]?.state === 'closed' && list;
    });
    const events = (await api.getSessionEvents({ sessionId: session!.id })).map((e) => e.event);
    expect(events).toEqual([
      'created',
      'claimed',
      'agent_completed',
      'reported_review',
      'rejected',
      'agent_completed',
      'reported_review',
      'approved',
      'finished',
    ]);
  });

  it('settings: tuning is validated by the contract and applied live', async () => {
    const api = await start(tempDir());
    const settings = await api.setSettings({
      daemons: [{ name: 'local', pollIntervalMs: 500, maxIdleBackoffMs: 2_000 }],
      app: { startAtLogin: true },
    });
    expect(settings.daemons[0]).toMatchObject({ pollIntervalMs: 500, maxIdleBackoffMs: 2_000 });
    expect(settings.app.startAtLogin).toBe(true);
    expect((await api.getSnapshot({})).daemons[0]!.pollIntervalMs).toBe(500);
  });
});
