/**
 * The tray app's core, started the way `nightshift run` starts its own, so the
 * two are interchangeable on one data dir: the data dir's exclusive lock first
 * (store/instance-lock.ts), then the config and the database, then the control
 * socket with a fresh secret — which makes the `nightshift` CLI the tray app's
 * scripting interface (`nightshift status/pause/wake/task add`). No Electron
 * here: index.ts passes in what it learned from `app`, and the tests start this
 * exactly as the tray app does.
 */
import { join } from 'node:path';
import { acquireInstanceLockToServe, type ServedInstance, serveControl } from '../api/control/instance';
import type { NightshiftCore } from '../api/core-api';
import { createCore } from '../api/create-core';
import { dispatchRequest } from '../api/dispatch';
import type { NightshiftConfig } from '../core/config';
import { CONFIG_FILE_NAME, loadOrCreateConfigFile } from '../core/config-file';
import type { CoreOptions } from '../core/create-supervisor';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/log';
import { ensurePrivateDataDir } from '../core/store/data-dir';
import type { InstanceLock } from '../core/store/instance-lock';

export interface AppCoreOptions {
  dataDir: string;
  logger: Logger;
  /** better-sqlite3 built for Electron's ABI (run from source); undefined in a packaged app and under Node. */
  nativeBinding?: string | undefined;
  /** The OS keychain's source tokens (`tokenSecret`), in the tray app. */
  secrets?: CoreOptions['secrets'];
}

export interface AppCore {
  readonly core: NightshiftCore;
  /** The config the core runs (e.g. which daemons read their token from the keychain). */
  readonly config: NightshiftConfig;
  /** Stops answering the CLI (before the core stops), then removes the secret. */
  closeControl(): Promise<void>;
  /** Releases the data dir's lock: call last, after the core stopped. */
  releaseLock(): void;
}

export async function startAppCore(options: AppCoreOptions): Promise<AppCore> {
  const { dataDir, logger, nativeBinding } = options;
  await ensurePrivateDataDir(dataDir);
  const lock: InstanceLock = await acquireInstanceLockToServe(dataDir, { nativeBinding });
  let core: NightshiftCore | null = null;
  let control: ServedInstance | null = null;
  let config: NightshiftConfig;
  try {
    const loaded = await loadOrCreateConfigFile(join(dataDir, CONFIG_FILE_NAME));
    config = loaded.config;
    const { warnings } = loaded;
    for (const warning of warnings) logger.log('warn', 'config', warning);
    core = await createCore({
      dataDir,
      config,
      logger,
      ...(nativeBinding ? { nativeBinding } : {}),
      ...(options.secrets ? { secrets: options.secrets } : {}),
    });
    const handlers = core.handlers;
    control = await serveControl(lock, {
      dataDir,
      dispatch: (name, args) =>
        dispatchRequest(handlers, name, args, {
          onInternalError: (n, err) => logger.log('error', 'control', `${n}: ${errorMessage(err)}`),
        }),
      onError: (message) => logger.log('warn', 'control', message),
    });
  } catch (err) {
    await core?.stop({ agentGraceMs: 5_000 }).catch(() => {});
    lock.release();
    throw err;
  }
  const served = control;
  return { core, config, closeControl: () => served.close(), releaseLock: () => lock.release() };
}
