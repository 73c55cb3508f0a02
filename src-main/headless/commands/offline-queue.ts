/**
 * `task add` and `tasks` with no instance running: the queue table of the
 * SQLite file and nothing else. No core, no sources, no runtimes, no zod (the
 * checks are task-text.ts' plain twins of the contract's schema): loading
 * those cost more than a bare node start (bench/cli.ts). Same rules as the
 * running core (core/local-tasks.ts), same lock as instance-access.ts.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalTask } from '@shared/task';
import { formatTextIssues, queueFilterIssues, type TaskTextInput, taskTextIssues } from '@shared/task-text';
import { addLocalTask, type ListFilter, listLocalTasks, TaskRefusedError } from '../../core/local-tasks';
import { LocalTaskQueue } from '../../core/sources/local-queue';
import { ensurePrivateDataDir } from '../../core/store/data-dir';
import { DB_FILE_NAME, type Db, openDatabase } from '../../core/store/db';
import { acquireInstanceLock, InstanceLockedError } from '../../core/store/instance-lock';
import type { RouteTarget } from '../../core/task-routing';
import { CliError, EXIT_USAGE } from './cli-error';

/** The config the last `run` saved (instance-access.ts writes it), so offline commands see the same daemons. */
export const RUN_CONFIG_FILE_NAME = 'run-config.json';

/** How long an offline command waits for the lock (another offline command, or an instance starting). */
export const OFFLINE_LOCK_WAIT_MS = 3_000;

/** What `task add` and `tasks` need; a running instance's ApiClient has the same two methods. */
export interface TaskQueueAccess {
  addTask(input: TaskTextInput & { prompt: string }): Promise<LocalTask>;
  listTasks(filter: ListFilter): Promise<LocalTask[]>;
}

export interface OfflineQueue extends TaskQueueAccess {
  close(): void;
}

/**
 * Opens the data dir's queue under its instance lock; null when the lock is
 * held (an instance is starting or running: the caller connects to it).
 */
export async function openOfflineQueue(dataDir: string, options: { create?: boolean }): Promise<OfflineQueue | null> {
  if (options.create) await ensurePrivateDataDir(dataDir);
  else if (!existsSync(join(dataDir, DB_FILE_NAME))) {
    throw new CliError(`no nightshift data in ${dataDir} (nothing has run there yet; see "nightshift run --help")`);
  }
  let lock: Awaited<ReturnType<typeof acquireInstanceLock>>;
  try {
    lock = await acquireInstanceLock(dataDir, { waitMs: OFFLINE_LOCK_WAIT_MS });
  } catch (err) {
    if (err instanceof InstanceLockedError) return null;
    throw err;
  }
  let db: Db;
  try {
    db = openDatabase(join(dataDir, DB_FILE_NAME));
  } catch (err) {
    lock.release();
    throw err;
  }
  const queue = new LocalTaskQueue(db, Date.now);
  const targets = savedRouteTargets(db, await readRunConfig(dataDir));
  return {
    async addTask(input) {
      const issues = taskTextIssues(input);
      if (issues.length > 0) throw new CliError(formatTextIssues('addTask arguments', issues), EXIT_USAGE);
      try {
        return await addLocalTask(queue, targets, input);
      } catch (err) {
        if (err instanceof TaskRefusedError) throw new CliError(err.message, EXIT_USAGE);
        throw err;
      }
    },
    async listTasks(filter) {
      const issues = queueFilterIssues(filter.queue);
      if (issues.length > 0) throw new CliError(formatTextIssues('listTasks arguments', issues), EXIT_USAGE);
      return listLocalTasks(queue, targets, filter);
    },
    close() {
      db.close();
      lock.release();
    },
  };
}

/** The fields of a saved daemon config that routing reads. */
interface SavedDaemon {
  name: string;
  paused: boolean;
  source: { kind: string; queue?: string };
  runtime: { kind: string };
}

/**
 * The last run's daemons as route targets: local queue, runtime (a runtime is
 * named by its kind), paused (a stored pause or wake wins over the config's),
 * availability unknown while nothing runs. Read without the config schema:
 * `run` wrote this file from an already validated config; anything else
 * (missing, hand-edited) counts as no daemon known, as with the full core.
 */
function savedRouteTargets(db: Db, saved: unknown): RouteTarget[] {
  const daemons = (saved as { daemons?: unknown } | null)?.daemons;
  if (!Array.isArray(daemons) || !daemons.every(isSavedDaemon)) return [];
  const stored = db.prepare('SELECT paused FROM daemon_state WHERE daemon = ?');
  return daemons.map((d) => {
    const row = stored.get(d.name) as { paused: number } | undefined;
    return {
      name: d.name,
      queue: d.source.kind === 'local' ? (d.source.queue ?? 'default') : null,
      runtime: d.runtime.kind,
      paused: row ? row.paused === 1 : d.paused,
      unavailable: null,
    };
  });
}

function isSavedDaemon(value: unknown): value is SavedDaemon {
  const d = value as Partial<SavedDaemon> | null;
  return (
    typeof d?.name === 'string' &&
    typeof d.paused === 'boolean' &&
    typeof d.source?.kind === 'string' &&
    (d.source.queue === undefined || typeof d.source.queue === 'string') &&
    typeof d.runtime?.kind === 'string'
  );
}

async function readRunConfig(dataDir: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(join(dataDir, RUN_CONFIG_FILE_NAME), 'utf8'));
  } catch {
    return null;
  }
}
