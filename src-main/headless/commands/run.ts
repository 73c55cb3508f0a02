/**
 * `nightshift run`: the daemons in the foreground. Order matters:
 * config first (a bad one exits 2 with nothing created), then the data dir's
 * exclusive lock (store/instance-lock.ts; the tray app takes the same one),
 * then the control socket, then the database and loops. SIGINT/SIGTERM stop
 * gracefully: agents get SIGTERM and a grace period, their sessions stay
 * resumable for the next start, and the process exits 0.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { dispatchRequest, type Reply } from '../../api/dispatch';
import type { NightshiftCore } from '../../core/core-api';
import { createCore } from '../../core/create-core';
import { errorMessage } from '../../core/errors';
import { createStreamLogger, type Logger, type LogLevel } from '../../core/log';
import { type InstanceLock, InstanceLockedError } from '../../core/store/instance-lock';
import { acquireInstanceLockToServe, type ServedInstance, serveControl } from '../control/instance';
import { ensurePrivateDataDir, removePidFile, resolveDataDir, writePidFile } from '../data-dir';
import { CliError } from './cli-error';
import { saveRunConfig } from './instance-access';
import { resolveRunConfig } from './run-config';

/** How long running agents get between SIGTERM and SIGKILL on shutdown. */
export const AGENT_GRACE_MS = 5_000;
const SCOPE = 'cli';

interface RunOptions {
  config?: string;
  dataDir?: string;
  agent?: string[];
  maxConcurrent?: number;
  dashboard?: boolean;
  port?: number;
  logLevel: LogLevel;
}

function positiveInt(name: string, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`${name} must be an integer from 1 to ${max}`);
    return n;
  };
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run the daemons in the foreground (Ctrl-C stops them gracefully)')
    .argument('[agent-command...]', 'after --: the agent command as words, e.g. -- node agent.js')
    .option('--config <file>', 'config file (JSON, see docs/cli.md)')
    .option('--data-dir <dir>', 'data directory (default: $NIGHTSHIFT_HOME or the platform app data dir)')
    .option(
      '--agent <command>',
      'without --config: one daemon on the local queue running this command (quote-aware, no shell)',
      collect,
    )
    .option('--max-concurrent <n>', 'with --agent: agents at once (default 1)', positiveInt('--max-concurrent', 64))
    .option('--dashboard', 'also serve the dashboard on 127.0.0.1 (prints its URL with the access token)')
    .option('--port <n>', 'with --dashboard: the port (default: a free one)', positiveInt('--port', 65_535))
    .addOption(new Option('--log-level <level>', 'stderr log level').choices(['debug', 'info', 'warn', 'error']).default('info'))
    .action(async (agentArgv: string[], opts: RunOptions) => {
      await runForeground(agentArgv, opts);
    });
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

async function runForeground(agentArgv: string[], opts: RunOptions): Promise<void> {
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
  running.on('notice', (notice) => logger.log('info', `notice[${notice.daemon}]`, `${notice.title}: ${notice.body}`));

  const dashboard = opts.dashboard ? await startDashboard(running, opts.port, logger) : null;
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
        await running.stop({ agentGraceMs: AGENT_GRACE_MS });
        await removePidFile(dataDir);
        lock.release();
        logger.log('info', SCOPE, 'stopped');
        resolveStopped();
      })().catch((err) => {
        logger.log('error', SCOPE, `stop failed: ${errorMessage(err)}`);
        process.exit(1);
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function startDashboard(
  core: NightshiftCore,
  port: number | undefined,
  logger: Logger,
): Promise<{ close(): Promise<void> }> {
  // Loaded only when asked for: plain `run` does not pay for the HTTP/WebSocket server.
  const { startDashboardServer } = await import('../dashboard/server');
  const rendererDir = join(packageRoot(), 'out', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    logger.log('warn', SCOPE, `no built dashboard in ${rendererDir}; run "npx electron-vite build" first`);
  }
  const server = await startDashboardServer({ core, rendererDir, port, logger });
  // stdout, not the log: this is the one line a person (or a script) needs.
  process.stdout.write(`dashboard: ${server.url}\n`);
  return server;
}

/** The checkout or installed package this file runs from (out/main/cli.js or src-main/headless/commands/run.ts). */
function packageRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return resolve(__dirname, '..', '..');
    dir = parent;
  }
  return dir;
}
