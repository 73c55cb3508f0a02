/**
 * The commands that drive an instance: task add, tasks, sessions, status,
 * pause, wake, approve, reject, cancel. Each one is a single contract request
 * (see instance-access.ts for how it reaches the core).
 */

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ApiClient } from '@shared/api-client';
import type { LocalTask, TaskStatus } from '@shared/task';
import type { Command } from 'commander';
import { CliError, EXIT_USAGE } from './cli-error';
import { formatSessions, formatSessionTimelines, formatTasks, formatTicks, outputWidth } from './format';
import type { AccessOptions } from './instance-access';
import { sessionJson, taskJson } from './json-output';
import type { TaskQueueAccess } from './offline-queue';
import { formatSnapshot } from './status-format';

interface Output {
  out(text: string): void;
  err(text: string): void;
}

const stdio: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

type Offline = AccessOptions['offline'];

/** Opens access, runs `fn`, always closes; tells stderr when it worked on the database directly. */
async function withApi<T>(
  dataDirOption: string | undefined,
  offline: Offline,
  fn: (api: ApiClient) => Promise<T>,
  options: { create?: boolean; io?: Output } = {},
): Promise<T> {
  const io = options.io ?? stdio;
  // Loaded on use: --help and argument errors never load the core or the control client.
  const [{ connectToInstance }, { resolveDataDir }] = await Promise.all([
    import('./instance-connect'),
    import('../../core/store/data-dir'),
  ]);
  const dataDir = resolveDataDir(dataDirOption);
  const connection = await connectToInstance(dataDir);
  const access = connection
    ? { api: connection.api, live: true, close: async () => connection.close() }
    : await accessOffline(dataDir, offline, options.create);
  try {
    if (!access.live) io.err(`(no nightshift instance running on ${dataDir}; working on its database directly)`);
    return await fn(access.api);
  } finally {
    await access.close();
  }
}

/**
 * `task add` and `tasks`: through a running instance, else on the queue table
 * alone (offline-queue.ts), which loads neither the core nor the control
 * client. A data dir with no control socket has no instance: the client is
 * not even loaded then (on Windows the pipe cannot be seen, so it connects).
 */
async function withQueue<T>(
  dataDirOption: string | undefined,
  fn: (queue: TaskQueueAccess) => Promise<T>,
  options: { create?: boolean } = {},
): Promise<T> {
  const [{ resolveDataDir }, { controlSocketPath }] = await Promise.all([
    import('../../core/store/data-dir'),
    import('../../api/control/socket-path'),
  ]);
  const dataDir = resolveDataDir(dataDirOption);
  const maybeLive = process.platform === 'win32' || existsSync(controlSocketPath(dataDir));
  if (!maybeLive) {
    const { openOfflineQueue } = await import('./offline-queue');
    const queue = await openOfflineQueue(dataDir, options);
    // null: the lock is held, so an instance is starting: the full path connects to it (or says why not).
    if (queue) {
      try {
        stdio.err(`(no nightshift instance running on ${dataDir}; working on its database directly)`);
        return await fn(queue);
      } finally {
        queue.close();
      }
    }
  }
  return withApi(dataDirOption, 'database', fn, options);
}

/** No instance answered: the offline path (core over the database), loaded only now. */
async function accessOffline(dataDir: string, offline: Offline, create: boolean | undefined) {
  const [{ accessInstance }, { createStreamLogger }] = await Promise.all([import('./instance-access'), import('../../core/log')]);
  const logger = createStreamLogger((line) => process.stderr.write(line), 'warn');
  return accessInstance({ dataDir, offline, logger, create });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** src-shared/task.ts' TASK_STATUSES, repeated so that this file loads nothing shared with the app (checked below). */
const TASK_STATUSES = ['todo', 'in_progress', 'in_review', 'done', 'failed', 'cancelled'] as const;
type Listed = (typeof TASK_STATUSES)[number];
const _sameStatuses: [Exclude<TaskStatus, Listed>, Exclude<Listed, TaskStatus>] extends [never, never] ? true : false = true;
void _sameStatuses;

function parseStatus(value: string): TaskStatus {
  if (!(TASK_STATUSES as readonly string[]).includes(value)) {
    throw new CliError(`--status must be one of ${TASK_STATUSES.join(', ')} (got "${value}")`, EXIT_USAGE);
  }
  return value as TaskStatus;
}

function parsePositive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`${name} must be a positive number (got "${value}")`, EXIT_USAGE);
  return n;
}

function printTask(task: LocalTask, verb: string): void {
  stdio.err(`${verb} task ${task.id} (${task.status})`);
}

export function registerControlCommands(program: Command): void {
  const dataDirOption = ['--data-dir <dir>', 'data directory (default: $NIGHTSHIFT_HOME or the platform app data dir)'] as const;

  const task = program.command('task').description('work with single tasks of the local queue');
  task
    .command('add')
    .description('queue a task on the local queue; prints its id ("-" as PROMPT reads the prompt from stdin)')
    .argument('<prompt>', 'the task text given to the agent, or - for stdin')
    .option('--title <title>', 'short title (default: the first line of the prompt)')
    .option('--cwd <dir>', 'working directory for the agent')
    .option('--queue <queue>', 'local queue name', undefined)
    .option('--runtime <name>', 'preferred runtime name')
    .option(...dataDirOption)
    .action(
      async (promptArg: string, opts: { title?: string; cwd?: string; queue?: string; runtime?: string; dataDir?: string }) => {
        const prompt = promptArg === '-' ? await readStdin() : promptArg;
        const added = await withQueue(
          opts.dataDir,
          (api) =>
            api.addTask({
              prompt,
              title: opts.title,
              // Relative to where the user typed it, not to the instance's own cwd.
              cwd: opts.cwd === undefined ? undefined : resolve(opts.cwd),
              queue: opts.queue,
              runtime: opts.runtime,
            }),
          { create: true },
        );
        // Only the id on stdout, so that `id=$(nightshift task add ...)` works.
        stdio.out(added.id);
      },
    );

  program
    .command('tasks')
    .description('list tasks of the local queue')
    .option('--json', 'print JSON for scripts')
    .option('--status <status>', `only tasks in this status (${TASK_STATUSES.join(', ')})`, parseStatus)
    .option('--queue <queue>', 'only this queue')
    .option(...dataDirOption)
    .action(async (opts: { json?: boolean; status?: TaskStatus; queue?: string; dataDir?: string }) => {
      const tasks = await withQueue(opts.dataDir, (api) =>
        api.listTasks({ status: opts.status ? [opts.status] : undefined, queue: opts.queue }),
      );
      stdio.out(opts.json ? JSON.stringify(tasks.map(taskJson), null, 2) : formatTasks(tasks, { width: outputWidth() }));
    });

  program
    .command('sessions')
    .description('list agent sessions (one per task run)')
    .option('--json', 'print JSON for scripts')
    .option('--daemon <name>', 'only this daemon')
    .option('--events', "each session's event timeline (a readable timeline; with --json an events array)")
    .option(...dataDirOption)
    .action(async (opts: { json?: boolean; daemon?: string; events?: boolean; dataDir?: string }) => {
      const { sessions, timelines } = await withApi(opts.dataDir, 'database', async (api) => {
        const sessions = await api.listSessions({ daemon: opts.daemon });
        if (!opts.events) return { sessions, timelines: null };
        const events = await Promise.all(sessions.map((s) => api.getSessionEvents({ sessionId: s.id })));
        return { sessions, timelines: sessions.map((s, i) => ({ ...s, events: events[i]! })) };
      });
      if (opts.json) stdio.out(JSON.stringify((timelines ?? sessions).map(sessionJson), null, 2));
      else if (timelines) stdio.out(formatSessionTimelines(timelines, { width: outputWidth() }));
      else stdio.out(formatSessions(sessions, Date.now()));
    });

  program
    .command('status')
    .description('show each daemon: state, busy slots, next tick')
    .option('--json', 'print JSON for scripts')
    .option(...dataDirOption)
    .action(async (opts: { json?: boolean; dataDir?: string }) => {
      const snapshot = await withApi(opts.dataDir, 'database', (api) => api.getSnapshot({}));
      stdio.out(opts.json ? JSON.stringify(snapshot, null, 2) : formatSnapshot(snapshot, { width: outputWidth() }));
    });

  program
    .command('ticks')
    .description('tick history (the data behind the backoff chart): delay chosen and why, requests, dispatched')
    .option('--json', 'print JSON for scripts')
    .option('--daemon <name>', 'only this daemon (default: all)')
    .option('--since-minutes <n>', 'how far back (default 60)', (v) => parsePositive('--since-minutes', v), 60)
    .option(...dataDirOption)
    .action(async (opts: { json?: boolean; daemon?: string; sinceMinutes: number; dataDir?: string }) => {
      const since = Date.now() - opts.sinceMinutes * 60_000;
      const ticks = await withApi(opts.dataDir, 'database', async (api) => {
        const names = opts.daemon ? [opts.daemon] : (await api.getSnapshot({})).daemons.map((d) => d.name);
        const perDaemon = await Promise.all(names.map((daemon) => api.getTicks({ daemon, since })));
        return perDaemon.flat().sort((a, b) => a.at - b.at);
      });
      stdio.out(opts.json ? JSON.stringify(ticks, null, 2) : formatTicks(ticks));
    });

  for (const verb of ['pause', 'wake'] as const) {
    program
      .command(verb)
      .description(
        verb === 'pause'
          ? 'stop taking new tasks (running agents continue); survives restarts'
          : 'resume taking tasks and poll now',
      )
      .argument('[daemon]', 'daemon name (default: all daemons)')
      .option(...dataDirOption)
      .action(async (daemon: string | undefined, opts: { dataDir?: string }) => {
        const snapshot = await withApi(opts.dataDir, 'database', async (api) => {
          if (daemon) await (verb === 'pause' ? api.pauseDaemon({ name: daemon }) : api.wakeDaemon({ name: daemon }));
          else await (verb === 'pause' ? api.pauseAll({}) : api.wakeAll({}));
          return api.getSnapshot({});
        });
        stdio.out(formatSnapshot(snapshot, { width: outputWidth() }));
      });
  }

  program
    .command('approve')
    .description('approve a task waiting in review (in_review → done)')
    .argument('<id>', 'task id')
    .option(...dataDirOption)
    .action(async (id: string, opts: { dataDir?: string }) => {
      printTask(await withApi(opts.dataDir, { refuse: 'approve' }, (api) => api.approveTask({ id })), 'approved');
    });

  program
    .command('reject')
    .description('send a task in review back to its agent with a reason')
    .argument('<id>', 'task id')
    .requiredOption('--reason <text>', 'what the agent should fix')
    .option(...dataDirOption)
    .action(async (id: string, opts: { reason: string; dataDir?: string }) => {
      printTask(
        await withApi(opts.dataDir, { refuse: 'reject' }, (api) => api.rejectTask({ id, reason: opts.reason })),
        'rejected',
      );
    });

  program
    .command('cancel')
    .description('cancel a task (a running agent is stopped)')
    .argument('<id>', 'task id')
    .option(...dataDirOption)
    .action(async (id: string, opts: { dataDir?: string }) => {
      printTask(await withApi(opts.dataDir, { refuse: 'cancel' }, (api) => api.cancelTask({ id })), 'cancelled');
    });
}
