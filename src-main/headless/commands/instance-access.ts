/**
 * How a control command reaches the core: through the control socket of a
 * running `nightshift run` when there is one, else — for the operations that
 * are safe without the loops (reads, queueing a task, pause/wake flags) — by
 * opening the database directly with a core that runs no loops and no agents.
 * The offline path holds the data dir's instance lock while it works, so an
 * instance cannot start on the database underneath it (and `run` waits a few
 * seconds for the lock, which covers a command's lifetime).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ApiClient, createApiClient } from '@shared/api-client';
import { createCore } from '../../api/create-core';
import { dispatchRequest } from '../../api/dispatch';
import { type NightshiftConfig, parseConfig } from '../../core/config';
import { configWithoutSecrets } from '../../core/config-secrets';
import type { Logger } from '../../core/log';
import { ensurePrivateDataDir } from '../../core/store/data-dir';
import { DB_FILE_NAME } from '../../core/store/db';
import { acquireInstanceLock, InstanceLockedError } from '../../core/store/instance-lock';
import { writePrivateFile } from '../../core/store/private-file';
import { CliError } from './cli-error';
import { connectToInstance } from './instance-connect';
import { OFFLINE_LOCK_WAIT_MS, RUN_CONFIG_FILE_NAME } from './offline-queue';

export { RUN_CONFIG_FILE_NAME };

export interface InstanceAccess {
  api: ApiClient;
  /** true: a running instance answered; false: working on the database directly. */
  live: boolean;
  close(): Promise<void>;
}

export interface AccessOptions {
  dataDir: string;
  /** What to do when no instance runs: open the database, or refuse with this command's name. */
  offline: 'database' | { refuse: string };
  /** Create the data dir and database when missing (queueing a task before the first run is fine). */
  create?: boolean;
  logger: Logger;
}

export { connectToInstance };

export async function accessInstance(options: AccessOptions): Promise<InstanceAccess> {
  const connection = await connectToInstance(options.dataDir);
  if (connection) return { api: connection.api, live: true, close: async () => connection.close() };
  if (options.offline !== 'database') {
    throw new CliError(
      `no nightshift instance is running on ${options.dataDir}; "${options.offline.refuse}" needs one (start it with "nightshift run")`,
    );
  }
  if (options.create) await ensurePrivateDataDir(options.dataDir);
  else if (!existsSync(join(options.dataDir, DB_FILE_NAME))) {
    throw new CliError(`no nightshift data in ${options.dataDir} (nothing has run there yet; see "nightshift run --help")`);
  }
  let lock: Awaited<ReturnType<typeof acquireInstanceLock>>;
  try {
    lock = await acquireInstanceLock(options.dataDir, { waitMs: OFFLINE_LOCK_WAIT_MS });
  } catch (err) {
    if (!(err instanceof InstanceLockedError)) throw err;
    // An instance was starting while we looked: it may serve its socket by now.
    const late = await connectToInstance(options.dataDir);
    if (late) return { api: late.api, live: true, close: async () => late.close() };
    throw new CliError(`${err.message}; try again in a moment`);
  }
  let core: Awaited<ReturnType<typeof createCore>>;
  try {
    core = await createCore({
      dataDir: options.dataDir,
      config: await lastRunConfig(options.dataDir),
      logger: options.logger,
      startLoops: false,
    });
  } catch (err) {
    lock.release();
    throw err;
  }
  return {
    api: createApiClient((name, args) => dispatchRequest(core.handlers, name, args)),
    live: false,
    close: async () => {
      await core.stop();
      lock.release();
    },
  };
}

/** Written by `run` once it holds the lock (write beside, then rename: never half a file). */
export async function saveRunConfig(dataDir: string, config: NightshiftConfig): Promise<void> {
  // Never a secret on disk: the saved copy keeps the daemons, not their tokens.
  await writePrivateFile(join(dataDir, RUN_CONFIG_FILE_NAME), `${JSON.stringify(configWithoutSecrets(config), null, 2)}\n`);
}

async function lastRunConfig(dataDir: string): Promise<NightshiftConfig> {
  try {
    const text = await readFile(join(dataDir, RUN_CONFIG_FILE_NAME), 'utf8');
    return parseConfig(JSON.parse(text), RUN_CONFIG_FILE_NAME).config;
  } catch {
    // No run has saved its config here: no daemon is known, and none is invented.
    return { daemons: [], workspaceRoots: [] };
  }
}
