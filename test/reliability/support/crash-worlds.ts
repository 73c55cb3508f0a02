/**
 * The task sources the crash harness runs against, behind one small
 * interface: how the daemon's `source` is configured, how tasks are added,
 * and what the source itself says at the end (its statuses and, where the
 * source counts them, the reports it received).
 */
import { join } from 'node:path';
import pg from 'pg';
import { migratePostgres } from '../../../src-main/core/sources/postgres';
import { enqueuePostgresTask } from '../../../src-main/core/sources/postgres/enqueue';
import { cliOk } from '../../cli/harness';
import { startTaskServer, type TaskServer } from '../../fixtures/task-server/server';
import type { DatabaseAdmin } from './crash-postgres-admin';

export type SourceKind = 'local' | 'http' | 'postgres';

export interface NewCrashTask {
  title: string;
  prompt: string;
}

export interface SourceReports {
  /** Reports that changed the task (not replays of an earlier request's Idempotency-Key). */
  complete: number;
  fail: number;
  /** Retries of a report answered from the server's idempotency memory. */
  replayed: number;
}

export interface CrashWorld {
  kind: SourceKind;
  /** The `source` block of the daemon config. */
  sourceConfig: Record<string, unknown>;
  /** Adds tasks and returns the ids the source confirmed. `running` says whether a `nightshift run` is up. */
  enqueue(tasks: NewCrashTask[], running: boolean): Promise<string[]>;
  /** Every task the source holds, id → status. */
  statuses(): Promise<Map<string, string>>;
  /** Per task id, when the source counts reports (the HTTP fixture server does). */
  reports?(): Map<string, SourceReports>;
  close(): Promise<void>;
}

/** The embedded queue: tasks go in through the real CLI (control socket when running, the database when not). */
export function localWorld(dataDir: string, readTasks: () => Map<string, string>): CrashWorld {
  return {
    kind: 'local',
    sourceConfig: { kind: 'local', queue: 'default' },
    async enqueue(tasks) {
      const ids: string[] = [];
      // A few at a time: each is its own CLI process.
      for (let i = 0; i < tasks.length; i += 4) {
        const batch = tasks.slice(i, i + 4).map(async (t) => {
          try {
            return (await cliOk(['task', 'add', t.prompt, '--title', t.title, '--data-dir', dataDir])).trim();
          } catch {
            // The run died under the request (that is the point); an id never printed is not ours to account for.
            return null;
          }
        });
        for (const id of await Promise.all(batch)) if (id) ids.push(id);
      }
      return ids;
    },
    async statuses() {
      return readTasks();
    },
    async close() {},
  };
}

/** The HTTP fixture server in this process, requiring a bearer token like a real team board. */
export async function httpWorld(): Promise<CrashWorld> {
  const token = 'crash-harness-token';
  const server: TaskServer = await startTaskServer({ mode: 'sse', token, sseKeepaliveMs: 1_000 });
  return {
    kind: 'http',
    sourceConfig: { kind: 'http', url: server.url, token, push: ['sse'], requestTimeoutMs: 5_000, reconcileIntervalMs: 2_000 },
    async enqueue(tasks) {
      return tasks.map((t) => server.addTask({ title: t.title, prompt: t.prompt }).id);
    },
    async statuses() {
      return new Map(server.tasks().map((t) => [t.id, t.status]));
    },
    reports() {
      const byTask = new Map<string, SourceReports>();
      for (const r of server.requests()) {
        if (r.endpoint !== 'complete' && r.endpoint !== 'fail') continue;
        const id = decodeURIComponent(r.path.split('/')[3] ?? '');
        const counts = byTask.get(id) ?? { complete: 0, fail: 0, replayed: 0 };
        if (r.replayed) counts.replayed += 1;
        else counts[r.endpoint] += 1;
        byTask.set(id, counts);
      }
      return byTask;
    },
    close: () => server.close(),
  };
}

/** A throwaway PostgreSQL database with the team-queue schema; short leases so that a dead worker's tasks come back soon. */
export async function postgresWorld(admin: DatabaseAdmin): Promise<CrashWorld> {
  const db = await admin.create();
  const client = new pg.Client({ connectionString: db.connectionString });
  await client.connect();
  await migratePostgres(client, 'nightshift');
  return {
    kind: 'postgres',
    sourceConfig: { kind: 'postgres', connectionString: db.connectionString, leaseMs: 3_000, reconcileIntervalMs: 2_000 },
    async enqueue(tasks) {
      const ids: string[] = [];
      for (const t of tasks) ids.push((await enqueuePostgresTask(client, { title: t.title, prompt: t.prompt })).id);
      return ids;
    },
    async statuses() {
      const res = await client.query<{ id: string; status: string }>('SELECT id, status FROM nightshift.tasks');
      return new Map(res.rows.map((r) => [r.id, r.status]));
    },
    async close() {
      await client.end().catch(() => {});
      await admin.drop(db);
    },
  };
}

export function dbPathOf(dataDir: string): string {
  return join(dataDir, 'nightshift.db');
}
