/**
 * The dashboard side of `nightshift run --dashboard`: the port is settled
 * before anything starts (a busy `--port` is one line and exit 1, with no
 * daemon started), the token is the data dir's (dashboard-token.ts), and
 * without `--port` the last run's port is reused when free, so an open
 * dashboard finds the restarted instance at the same address.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type { NightshiftCore } from '../../api/core-api';
import { errorMessage } from '../../core/errors';
import type { Logger } from '../../core/log';
import { dashboardTokenPath, loadOrCreateDashboardToken, watchDashboardToken } from '../dashboard-token';
import { CliError } from './cli-error';

const SCOPE = 'cli';
export const DASHBOARD_PORT_FILE_NAME = 'dashboard.port';
const HOST = '127.0.0.1';

/** Resolves when `port` can be bound on 127.0.0.1 (and releases it again); rejects with the listen error. */
function probePort(port: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host: HOST, exclusive: true }, () => server.close(() => resolvePromise()));
  });
}

function portError(port: number, err: unknown): CliError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'EADDRINUSE' ? 'is in use' : code === 'EACCES' ? 'needs privileges' : `cannot be used (${code})`;
  return new CliError(`--port ${port} ${why} on ${HOST}; choose another port, or leave --port out for a free one`);
}

/**
 * The port to serve on, decided before the lock and the daemons: `--port`
 * (refused here when busy), else the last run's when still free, else 0 (any).
 */
export async function chooseDashboardPort(dataDir: string, requested: number | undefined): Promise<number> {
  if (requested !== undefined) {
    await probePort(requested).catch((err: unknown) => {
      throw portError(requested, err);
    });
    return requested;
  }
  const last = Number((await readFile(join(dataDir, DASHBOARD_PORT_FILE_NAME), 'utf8').catch(() => '')).trim());
  if (Number.isInteger(last) && last > 0 && last < 65_536) {
    const free = await probePort(last).then(
      () => true,
      () => false,
    );
    if (free) return last;
  }
  return 0;
}

export interface RunningDashboard {
  /** With the current token (it changes when the token file is replaced). */
  readonly url: string;
  close(): Promise<void>;
}

export async function startRunDashboard(
  core: NightshiftCore,
  dataDir: string,
  port: number,
  logger: Logger,
): Promise<RunningDashboard> {
  // Loaded only when asked for: plain `run` does not pay for the HTTP/WebSocket server.
  const { startDashboardServer } = await import('../dashboard/server');
  const rendererDir = join(packageRoot(), 'out', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    logger.log('warn', SCOPE, `no built dashboard in ${rendererDir}; run "npx electron-vite build" first`);
  }
  const token = await loadOrCreateDashboardToken(dataDir);
  let server: Awaited<ReturnType<typeof startDashboardServer>>;
  try {
    server = await startDashboardServer({ core, rendererDir, port, token, logger });
  } catch (err) {
    // Taken between the probe and now: still one line and exit 1 (the caller stops what started).
    throw portError(port, err);
  }
  await writeFile(join(dataDir, DASHBOARD_PORT_FILE_NAME), `${server.port}\n`, { mode: 0o600 });
  // `nightshift dashboard --new-token` takes effect now, not at the next run: the old token is refused, its dashboards cut.
  const stopWatching = watchDashboardToken(
    dataDir,
    token,
    (next) => {
      const closed = server.setToken(next);
      logger.log(
        'info',
        SCOPE,
        `dashboard token replaced: the old one is refused from now on (${closed} open dashboard${closed === 1 ? '' : 's'} disconnected); "nightshift dashboard" prints the new URL`,
      );
    },
    (err) => logger.log('warn', SCOPE, `watching ${dashboardTokenPath(dataDir)}: ${errorMessage(err)}`),
  );
  return {
    get url() {
      return server.url;
    },
    async close() {
      stopWatching();
      await server.close();
    },
  };
}

/** The checkout or installed package this file runs from (out/main/cli.js or src-main/headless/commands). */
function packageRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return resolve(__dirname, '..', '..');
    dir = parent;
  }
  return dir;
}
