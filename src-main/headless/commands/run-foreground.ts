/**
 * `nightshift run` once its options are parsed: the daemons in the
 * foreground. Loaded only by `run` (see run.ts), so other commands never pay
 * for the core, the sources and the runtimes.
 */

import type { Reply } from '@shared/envelope';
import { acquireInstanceLockToServe, type ServedInstance, serveControl } from '../../api/control/instance';
import type { NightshiftCore } from '../../api/core-api';
import { createCore } from '../../api/create-core';
import { dispatchRequest } from '../../api/dispatch';
import { errorMessage } from '../../core/errors';
import { createStreamLogger, type Logger, type LogLevel } from '../../core/log';
import { ensurePrivateDataDir, removePidFile, resolveDataDir, writePidFile } from '../../core/store/data-dir';
import { type InstanceLock, InstanceLockedError } from '../../core/store/instance-lock';
import { CliError } from './cli-error';
import { saveRunConfig } from './instance-access';
import { resolveRunConfig } from './run-config';
import { chooseDashboardPort, type RunningDashboard, startRunDashboard } from './run-dashboard';

/** How long running agents get between SIGTERM and SIGKILL on shutdown. */
export const AGENT_GRACE_MS = 5_000;
export interface RunOptions {
  config?: string;
  dataDir?: string;
  agent?: string[];
  maxConcurrent?: number;
  dashboard?: boolean;
  port?: number;
  logLevel: LogLevel;
}

const SCOPE = 'cli';

export async function runForeground(agentArgv: string[], opts: RunOptions): Promise<void> {
  const logger = createStreamLogger((line) => process.stderr.write(line), opts.logLevel);
  const { config, warnings } = await resolveRunConfig({
    config: opts.config,
    agent: opts.agent,
    agentArgv,
    maxConcurrent: opts.maxConcurrent,
  });
  for (const warning of warnings) logger.log('warn', SCOPE, warning);
  if (opts.port !== undefined && !opts.dashboard) throw new CliError('--port needs --dashboard', 2);

  const dataDir = resolveDataDir(opts.dataDir);
  await ensurePrivateDataDir(dataDir);
  // A busy --port ends here: one line, exit 1, nothing locked or started.
  const dashboardPort = opts.dashboard ? await chooseDashboardPort(dataDir, opts.port) : null;

  // Requests that arrive while the core is still opening get a clear "try again".
  let core: NightshiftCore | null = null;
  const dispatch = async (name: unknown, args: unknown): Promise<Reply> =>
    core
      ? dispatchRequest(core.handlers, name, args, {
          onInternalError: (n, err) => logger.log('error', 'control', `${n}: ${errorMessage(err)}`),
        })
      : { error: { code: 'unavailable', message: 'nightshift is starting; try again in a moment' } };

  let control: ServedInstance;
  let lock: InstanceLock;
  try {
    lock = await acquireInstanceLockToServe(dataDir);
    control = await serveControl(lock, {
      dataDir,
      dispatch,
      onError: (message) => logger.log('warn', 'control', message),
    });
  } catch (err) {
    if (err instanceof InstanceLockedError) throw new CliError(`${err.message}; stop it first or use another --data-dir`);
    throw err;
  }

  try {
    await writePidFile(dataDir);
    await saveRunConfig(dataDir, config);
    core = await createCore({ dataDir, config, logger, startLoops: true });
  } catch (err) {
    await control.close();
    await removePidFile(dataDir);
    lock.release();
    throw err;
  }
  const running = core;
  // "Failed: <title>: <first line of the reason>" — the line a user scans the log for.
  running.on('notice', (notice) =>
    logger.log(notice.kind === 'task_failed' ? 'warn' : 'info', `daemon[${notice.daemon}]`, `${notice.title}: ${notice.body}`),
  );
  await logOverrides(running, logger);
  // The database failed: the core stopped every loop and said why; this process has nothing left to do.
  let storageFailed = false;
  running.on('notice', (notice) => {
    if (notice.kind !== 'storage_fault') return;
    storageFailed = true;
    process.exitCode = 1;
    process.kill(process.pid, 'SIGTERM');
  });

  let dashboard: RunningDashboard | null = null;
  if (dashboardPort !== null) {
    try {
      dashboard = await startRunDashboard(running, dataDir, dashboardPort, logger);
    } catch (err) {
      await control.close();
      await running.stop({ agentGraceMs: AGENT_GRACE_MS });
      await removePidFile(dataDir);
      lock.release();
      throw err;
    }
    // stdout, not the log: this is the one line a person (or a script) needs.
    process.stdout.write(`dashboard: ${dashboard.url}\n`);
  }
  const names = config.daemons.map((d) => d.name).join(', ');
  logger.log('info', SCOPE, `running ${config.daemons.length} daemon(s) [${names}] on ${dataDir} (pid ${process.pid})`);

  await new Promise<void>((resolveStopped) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second Ctrl-C means "now": agents may be left; the next start reaps them.
        logger.log('warn', SCOPE, `${signal} again: exiting without waiting`);
        process.exit(130);
      }
      stopping = true;
      logger.log('info', SCOPE, `${signal}: stopping (agents get ${AGENT_GRACE_MS} ms to exit)`);
      void (async () => {
        await dashboard?.close().catch(() => {});
        await control.close();
        // Ctrl-C is a person quitting: give remote tasks back. SIGTERM is what service
        // managers send on restart too: keep them, to resume on the next start.
        await running.stop({ agentGraceMs: AGENT_GRACE_MS, releaseTasks: signal === 'SIGINT' });
        await removePidFile(dataDir);
        lock.release();
        logger.log('info', SCOPE, storageFailed ? 'stopped: the database failed (see above)' : 'stopped');
        resolveStopped();
      })().catch((err) => {
        logger.log('error', SCOPE, `stop failed: ${errorMessage(err)}`);
        process.exit(1);
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  // Agents were left running for the next start to adopt; their file followers would keep this process alive.
  if (storageFailed) process.exit(1);
}

/** Each tuning value saved from the dashboard that overrides the config file, once at start. */
async function logOverrides(core: NightshiftCore, logger: Logger): Promise<void> {
  const settings = await core.handlers.getSettings({});
  for (const daemon of settings.daemons) {
    for (const key of daemon.overridden) {
      logger.log(
        'info',
        SCOPE,
        `daemon "${daemon.name}": ${key} ${String(daemon[key])} (saved from the dashboard) overrides the config's ${String(daemon.configured[key])}`,
      );
    }
  }
}
