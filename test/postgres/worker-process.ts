/**
 * A minimal daemon in its own process for the multi-process tests: it uses
 * the real PostgreSQL source to claim tasks and runs the fixture agent for
 * each. Modes: "run" (claim, run the agent, complete; exit when the queue has
 * nothing todo or in progress) and "hold" (claim up to `hold` tasks, print
 * `claimed <id>`, heartbeat forever — the test kills it with SIGKILL).
 *
 * Run as: node --import tsx test/postgres/worker-process.ts '<json options>'
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Task } from '@shared/task';
import pg from 'pg';
import { sourceConfigSchema } from '../../src-main/core/config';
import { createPostgresSource } from '../../src-main/core/sources/postgres';

interface WorkerOptions {
  connectionString: string;
  queue: string;
  worker: string;
  mode: 'run' | 'hold';
  maxConcurrent: number;
  hold?: number;
  agentLog: string;
}

const opts = JSON.parse(process.argv[2] ?? '{}') as WorkerOptions;
const config = sourceConfigSchema.parse({
  kind: 'postgres',
  connectionString: opts.connectionString,
  queue: opts.queue,
  leaseMs: 1000,
});
if (config.kind !== 'postgres') throw new Error('unreachable');
const source = createPostgresSource(config, { daemon: 'proc', worker: opts.worker });
const agent = fileURLToPath(new URL('../fixtures/fake-agent.mjs', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function runAgent(task: Task): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [agent], {
      stdio: ['pipe', 'ignore', 'inherit'],
      env: {
        PATH: process.env.PATH,
        NIGHTSHIFT_TASK_ID: task.id,
        NIGHTSHIFT_SESSION_ID: `${opts.worker}:${task.id}`,
        FAKE_AGENT_LOG: opts.agentLog,
      },
    });
    child.stdin.end(task.prompt);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function work(task: Task): Promise<void> {
  const beat = setInterval(() => void source.heartbeat(task.id), 300);
  try {
    const code = await runAgent(task);
    if (code === 0) await source.complete(task.id, `done by ${opts.worker}`);
    else await source.fail(task.id, `exit ${code}`);
  } finally {
    clearInterval(beat);
  }
}

async function queueFinished(): Promise<boolean> {
  const client = new pg.Client({ connectionString: opts.connectionString });
  await client.connect();
  try {
    const res = await client.query(
      "SELECT count(*)::int AS n FROM nightshift.tasks WHERE queue = $1 AND status IN ('todo', 'in_progress')",
      [opts.queue],
    );
    return res.rows[0].n === 0;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  let wake: () => void = () => {};
  source.watch(() => wake());
  if (opts.mode === 'hold') {
    const held: string[] = [];
    while (held.length < (opts.hold ?? 1)) {
      const task = await source.claimNext();
      if (!task) {
        await sleep(50);
        continue;
      }
      held.push(task.id);
      console.log(`claimed ${task.id}`);
    }
    setInterval(() => held.forEach((id) => void source.heartbeat(id)), 300);
    return;
  }
  const running = new Set<Promise<void>>();
  for (;;) {
    while (running.size < opts.maxConcurrent) {
      const task = await source.claimNext();
      if (!task) break;
      const p = work(task).finally(() => running.delete(p));
      running.add(p);
    }
    if (running.size === 0 && (await queueFinished())) break;
    const woken = new Promise<void>((r) => {
      wake = r;
    });
    await Promise.race([...running, woken, sleep(250)]);
  }
  await source.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
