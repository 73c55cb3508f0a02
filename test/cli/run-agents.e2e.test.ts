/**
 * Issue 2 acceptance, with real processes: `nightshift run` with the fixture
 * agent — the pool bound, crash recovery after kill -9, graceful SIGTERM.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SessionEventRow, SessionRow } from '@shared/sessions';
import type { LocalTask } from '@shared/task';
import type { TickRecord } from '@shared/ticks';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  assertBuilt,
  cliJson,
  cliOk,
  isAlive,
  killIfRunning,
  livePidsInGroups,
  maxOverlap,
  type RunningInstance,
  readAgentLog,
  startRun,
  tempDir,
  waitFor,
  writeFixtureConfig,
} from './harness';

let dir: string;
let dataDir: string;
let agentLog: string;
let instance: RunningInstance | null = null;

beforeAll(() => assertBuilt());
beforeEach(async () => {
  dir = await tempDir('run');
  dataDir = join(dir, 'data');
  agentLog = join(dir, 'agents.jsonl');
});
afterEach(async () => {
  killIfRunning(instance);
  instance = null;
  await rm(dir, { recursive: true, force: true });
});

const tasks = () => cliJson<LocalTask[]>(['tasks', '--data-dir', dataDir]);
const allDone = async (count: number) => {
  const list = await tasks();
  return list.length === count && list.every((t) => t.status === 'done');
};

async function addTasks(prompts: string[]): Promise<string[]> {
  // A few at a time: concurrent CLI processes on one control socket.
  const ids: string[] = [];
  for (let i = 0; i < prompts.length; i += 5) {
    const batch = prompts.slice(i, i + 5).map((p) => cliOk(['task', 'add', p, '--data-dir', dataDir]));
    ids.push(...(await Promise.all(batch)).map((out) => out.trim()));
  }
  return ids;
}

describe('nightshift run (end to end)', () => {
  it('runs 20 tasks added through the CLI to done, never more than maxConcurrent agents at once', async () => {
    const config = await writeFixtureConfig(dir, { agentLog, maxConcurrent: 3 });
    instance = await startRun(['--config', config, '--data-dir', dataDir]);
    const ids = await addTasks(Array.from({ length: 20 }, (_, i) => `task ${i} sleep=1500`));
    expect(new Set(ids).size).toBe(20);

    await waitFor(() => allDone(20), 60_000, 'all 20 tasks done', 300);

    const events = readAgentLog(agentLog);
    expect(
      events
        .filter((e) => e.event === 'end')
        .map((e) => e.taskId)
        .sort(),
    ).toEqual([...ids].sort());
    expect(maxOverlap(events)).toBeLessThanOrEqual(3);
    // Tasks are added one CLI call at a time; at 1.5 s each the pool fills up even when those calls are slow.
    expect(maxOverlap(events)).toBe(3);

    const sessions = await cliJson<(SessionRow & { events: SessionEventRow[] })[]>([
      'sessions',
      '--events',
      '--data-dir',
      dataDir,
    ]);
    expect(sessions).toHaveLength(20);
    for (const s of sessions) {
      expect(s).toMatchObject({ state: 'closed', outcome: 'done' });
      expect(s.events.length).toBeGreaterThanOrEqual(2);
      expect(s.events.at(-1)!.to).toBe('closed');
    }
    const ticks = await cliJson<TickRecord[]>(['ticks', '--data-dir', dataDir]);
    expect(ticks.length).toBeGreaterThan(0);
    expect(ticks.reduce((n, t) => n + t.dispatched, 0)).toBe(20);
    expect(Math.max(...ticks.map((t) => t.active))).toBeLessThanOrEqual(3);

    instance.child.kill('SIGTERM');
    expect((await instance.exited).code).toBe(0);
    // Its own waits allow 60 s: on a loaded 2-core machine 30 s for the whole test was not enough.
  }, 120_000);

  it('after kill -9 of run, a restart adopts the agents still running: every task runs exactly once, none is left', async () => {
    const config = await writeFixtureConfig(dir, { agentLog, maxConcurrent: 3 });
    instance = await startRun(['--config', config, '--data-dir', dataDir]);
    const ids = await addTasks(Array.from({ length: 5 }, (_, i) => `crash ${i} sleep=3000`));
    await waitFor(() => readAgentLog(agentLog).filter((e) => e.event === 'start').length === 3, 20_000, '3 agents running');

    instance.child.kill('SIGKILL');
    await instance.exited;
    const firstRunPids = new Set(readAgentLog(agentLog).map((e) => e.pid));
    // The agents outlive their killed parent (they run under their own wrapper): the restart adopts them
    // (docs/reliability.md) instead of killing them and running their tasks again.
    expect([...firstRunPids].some(isAlive)).toBe(true);

    instance = await startRun(['--config', config, '--data-dir', dataDir]);
    await waitFor(() => allDone(5), 60_000, 'all 5 tasks done', 300);
    const ends = readAgentLog(agentLog).filter((e) => e.event === 'end');
    expect(ends.map((e) => e.taskId).sort()).toEqual([...ids].sort());
    // Adopted, not re-run: each task started once on the agent's side.
    const starts = readAgentLog(agentLog).filter((e) => e.event === 'start');
    expect(starts.map((e) => e.taskId).sort()).toEqual([...ids].sort());
    // Once everything is done, nothing of the first run is left, in any of its process groups.
    expect([...firstRunPids].filter(isAlive)).toEqual([]);
    expect(await livePidsInGroups(firstRunPids)).toEqual([]);
    const sessions = await cliJson<SessionRow[]>(['sessions', '--data-dir', dataDir]);
    for (const id of ids) {
      expect(sessions.filter((s) => s.taskId === id && s.outcome === 'done')).toHaveLength(1);
    }
    expect(sessions.filter((s) => ['claiming', 'active'].includes(s.state))).toEqual([]);
    expect((await tasks()).filter((t) => t.status === 'in_progress')).toEqual([]);

    instance.child.kill('SIGTERM');
    expect((await instance.exited).code).toBe(0);
  });

  it('SIGTERM stops gracefully: exit 0, no agent left, the tasks finish on the next start', async () => {
    const config = await writeFixtureConfig(dir, { agentLog, maxConcurrent: 2 });
    instance = await startRun(['--config', config, '--data-dir', dataDir]);
    const ids = await addTasks(['graceful a sleep=2500', 'graceful b sleep=2500']);
    await waitFor(() => readAgentLog(agentLog).filter((e) => e.event === 'start').length === 2, 20_000, '2 agents running');
    const pids = readAgentLog(agentLog).map((e) => e.pid);

    instance.child.kill('SIGTERM');
    const { code } = await instance.exited;
    expect(code).toBe(0);
    expect(instance.stderr()).toMatch(/SIGTERM: stopping/);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(await livePidsInGroups(new Set(pids))).toEqual([]);
    // Nothing finished, nothing lost: the tasks are not done and will run again.
    expect((await tasks()).filter((t) => t.status === 'done')).toEqual([]);

    instance = await startRun(['--config', config, '--data-dir', dataDir]);
    await waitFor(() => allDone(2), 30_000, 'both tasks done after restart', 300);
    expect(
      readAgentLog(agentLog)
        .filter((e) => e.event === 'end')
        .map((e) => e.taskId)
        .sort(),
    ).toEqual([...ids].sort());
    instance.child.kill('SIGINT');
    expect((await instance.exited).code).toBe(0);
  });
});
