/**
 * Two real `nightshift run` processes (the built CLI, separate data dirs) on
 * one PostgreSQL queue: 60 tasks, each run exactly once, none lost.
 *
 * Runs once the built CLI includes the PostgreSQL source (`npm run build`
 * after src-main/core/factories.ts wires createPostgresSource); until then it
 * is skipped with a message, because there is nothing to run yet.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { createPostgresSource, enqueuePostgresTask } from '../../src-main/core/sources/postgres';
import { describePg, pgSourceConfig, useTestDatabase } from '../support/postgres';

const outMain = fileURLToPath(new URL('../../out/main/', import.meta.url));
const cli = join(outMain, 'cli.js');
const fakeAgent = fileURLToPath(new URL('../fixtures/fake-agent.mjs', import.meta.url));

/** The listener's application_name only appears in a bundle that contains the postgres source. */
const cliHasPostgres =
  existsSync(cli) &&
  readdirSync(outMain).some((f) => f.endsWith('.js') && readFileSync(join(outMain, f), 'utf8').includes('nightshift-listen'));
if (!cliHasPostgres) console.warn('out/main/cli.js is missing or built without the postgres source: skipping the two-CLI test');

interface AgentLogEvent {
  event: string;
  taskId: string;
  pid: number;
  sessionId: string;
}

async function readAgentLog(file: string): Promise<AgentLogEvent[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AgentLogEvent);
}

describePg.runIf(cliHasPostgres)('nightshift run processes on one postgres queue', () => {
  const db = useTestDatabase();
  const children: ChildProcess[] = [];
  let dir: string | undefined;
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function startCli(
    name: string,
    queue: string,
    agentLog: string,
    extra: Record<string, unknown> = {},
  ): Promise<ChildProcess> {
    const config = {
      daemons: [
        {
          name: 'team',
          source: { kind: 'postgres', connectionString: db.current.connectionString, queue, worker: `laptop-${name}`, ...extra },
          runtime: {
            kind: 'command',
            command: [process.execPath, fakeAgent],
            promptVia: 'stdin',
            env: { FAKE_AGENT_LOG: agentLog },
          },
          maxConcurrent: 3,
          pollIntervalMs: 500,
          maxIdleBackoffMs: 1000,
        },
      ],
    };
    const configFile = join(dir!, `${queue}-${name}.json`);
    await writeFile(configFile, JSON.stringify(config));
    const child = spawn(
      process.execPath,
      [cli, 'run', '--config', configFile, '--data-dir', join(dir!, `data-${queue}-${name}`)],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    children.push(child);
    return child;
  }

  async function countFinished(client: pg.Client, queue: string): Promise<number> {
    const res = await client.query(
      "SELECT count(*)::int AS n FROM nightshift.tasks WHERE queue = $1 AND status IN ('done', 'failed')",
      [queue],
    );
    return res.rows[0].n;
  }

  it('60 tasks, each run exactly once, none lost', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ns-pg-cli-'));
    const setup = createPostgresSource(pgSourceConfig(db.current, { queue: 'cli' }), { daemon: 'setup' });
    await setup.ready();
    await setup.close();
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      ids.push(
        (await enqueuePostgresTask(db.current.connectionString, { queue: 'cli', title: `c${i}`, prompt: `cli ${i} sleep=5` })).id,
      );
    }
    const agentLog = join(dir, 'agents.jsonl');
    const clis = [await startCli('a', 'cli', agentLog), await startCli('b', 'cli', agentLog)];

    const client = new pg.Client({ connectionString: db.current.connectionString });
    await client.connect();
    try {
      while ((await countFinished(client, 'cli')) < 60) await new Promise((r) => setTimeout(r, 200));
      const rows = (await client.query("SELECT status, attempts, claimed_by FROM nightshift.tasks WHERE queue = 'cli'")).rows;
      expect(rows.every((r) => r.attempts === 1 && r.status === 'done')).toBe(true);
      expect(new Set(rows.map((r) => r.claimed_by))).toEqual(new Set(['laptop-a', 'laptop-b']));
    } finally {
      await client.end();
    }
    const starts = (await readAgentLog(agentLog)).filter((e) => e.event === 'start');
    expect(starts.map((e) => e.taskId).sort()).toEqual([...ids].sort());

    for (const c of clis) c.kill('SIGTERM');
    const codes = await Promise.all(clis.map((c) => new Promise((r) => (c.exitCode !== null ? r(c.exitCode) : c.on('exit', r)))));
    expect(codes).toEqual([0, 0]);
  }, 120_000);

  it('kill -9 of one nightshift run: its tasks come back after the lease and the other finishes them', async () => {
    dir ??= await mkdtemp(join(tmpdir(), 'ns-pg-cli-'));
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      ids.push(
        (
          await enqueuePostgresTask(db.current.connectionString, {
            queue: 'kill',
            title: `k${i}`,
            prompt: `kill ${i} sleep=1500`,
          })
        ).id,
      );
    }
    const agentLog = join(dir, 'kill.jsonl');
    // leaseMs 3000: longer than one agent run (1.5 s), shorter than the loop's 15 s heartbeat period.
    const doomed = await startCli('a', 'kill', agentLog, { leaseMs: 3000 });
    let started: AgentLogEvent[] = [];
    while (started.length < 2) {
      await new Promise((r) => setTimeout(r, 20));
      started = (await readAgentLog(agentLog)).filter((e) => e.event === 'start');
    }
    doomed.kill('SIGKILL');
    // Its agents were orphaned; end them too, as a crashed laptop's would be.
    for (const e of started) {
      try {
        process.kill(e.pid, 'SIGKILL');
      } catch {}
    }
    const killedAt = Date.now();
    const survivor = await startCli('b', 'kill', agentLog, { leaseMs: 3000 });

    const client = new pg.Client({ connectionString: db.current.connectionString });
    await client.connect();
    try {
      while ((await countFinished(client, 'kill')) < 2) await new Promise((r) => setTimeout(r, 100));
      const rows = (await client.query("SELECT status, attempts, claimed_by FROM nightshift.tasks WHERE queue = 'kill'")).rows;
      expect(rows).toEqual(Array(2).fill({ status: 'done', attempts: 2, claimed_by: 'laptop-b' }));
    } finally {
      await client.end();
    }
    const secondRuns = (await readAgentLog(agentLog)).filter((e) => e.event === 'start' && !started.some((s) => s.pid === e.pid));
    expect(secondRuns.map((e) => e.taskId).sort()).toEqual([...ids].sort());
    // the survivor had to wait for the dead process's leases to run out
    expect(Date.now() - killedAt).toBeGreaterThan(2_000);
    survivor.kill('SIGTERM');
  }, 120_000);
});
