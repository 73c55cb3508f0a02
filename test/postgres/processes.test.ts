/**
 * Separate processes on one database, like daemons on several laptops: two
 * workers share 100 tasks with no task run twice and none lost (checked in the
 * fixture agent's own log), and a worker killed with SIGKILL gets its tasks
 * taken over once their lease (1 s) runs out.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPostgresSource, enqueuePostgresTask } from '../../src-main/core/sources/postgres';
import { describePg, pgSourceConfig, useTestDatabase } from '../support/postgres';

const workerScript = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

function startWorker(options: Record<string, unknown>): {
  child: ChildProcess;
  exited: Promise<number | null>;
  stdout: string[];
} {
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stdout: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => stdout.push(...chunk.split('\n').filter(Boolean)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stdout };
}

interface AgentEvent {
  event: 'start' | 'end';
  taskId: string;
  sessionId: string;
  at: number;
}

describePg('postgres source across processes', () => {
  const db = useTestDatabase();
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ns-pg-proc-'));
    const s = createPostgresSource(pgSourceConfig(db.current), { daemon: 'setup' });
    await s.ready();
    await s.close();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function events(file: string): Promise<AgentEvent[]> {
    const text = await readFile(file, 'utf8');
    return text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AgentEvent);
  }

  async function rows(queue: string) {
    const client = new pg.Client({ connectionString: db.current.connectionString });
    await client.connect();
    try {
      return (
        await client.query('SELECT id, status, attempts, summary FROM nightshift.tasks WHERE queue = $1 ORDER BY id', [queue])
      ).rows;
    } finally {
      await client.end();
    }
  }

  it('two worker processes run 100 tasks: each exactly once, none lost', async () => {
    const queue = 'two-procs';
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) {
      ids.push(
        (await enqueuePostgresTask(db.current.connectionString, { queue, title: `t${i}`, prompt: `task ${i} sleep=5` })).id,
      );
    }
    const agentLog = join(dir, 'two.jsonl');
    const base = { connectionString: db.current.connectionString, queue, mode: 'run', maxConcurrent: 3, agentLog };
    const a = startWorker({ ...base, worker: 'laptop-a' });
    const b = startWorker({ ...base, worker: 'laptop-b' });
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);

    const starts = (await events(agentLog)).filter((e) => e.event === 'start');
    expect(starts.map((e) => e.taskId).sort()).toEqual([...ids].sort());
    const final = await rows(queue);
    expect(final.every((r) => r.status === 'done' && r.attempts === 1)).toBe(true);
    const byWorker = new Set(final.map((r) => r.summary));
    expect(byWorker).toEqual(new Set(['done by laptop-a', 'done by laptop-b']));
  }, 120_000);

  it('kill -9 of a worker: its tasks come back after the lease and another worker finishes them', async () => {
    const queue = 'kill-9';
    for (let i = 0; i < 4; i++)
      await enqueuePostgresTask(db.current.connectionString, { queue, title: `k${i}`, prompt: `kill ${i} sleep=5` });
    const agentLog = join(dir, 'kill.jsonl');
    const base = { connectionString: db.current.connectionString, queue, maxConcurrent: 2, agentLog };
    const holder = startWorker({ ...base, worker: 'crashing', mode: 'hold', hold: 4 });
    while (holder.stdout.length < 4) await new Promise((r) => setTimeout(r, 20));
    holder.child.kill('SIGKILL');
    await holder.exited;

    // Right after the crash the tasks are still leased to the dead worker: nobody can take them yet.
    const held = await rows(queue);
    expect(held.map((r) => [r.status, r.attempts])).toEqual(Array(4).fill(['in_progress', 1]));
    const probe = createPostgresSource(pgSourceConfig(db.current, { queue }), { daemon: 'probe', worker: 'probe' });
    expect(await probe.claimNext()).toBeNull();
    expect(await probe.listClaimable()).toEqual([]);
    await probe.close();

    const survivor = startWorker({ ...base, worker: 'survivor', mode: 'run' });
    expect(await survivor.exited).toBe(0);

    const starts = (await events(agentLog)).filter((e) => e.event === 'start');
    expect(starts).toHaveLength(4);
    const final = await rows(queue);
    expect(final.map((r) => [r.status, r.attempts, r.summary])).toEqual(Array(4).fill(['done', 2, 'done by survivor']));
  }, 120_000);
});
