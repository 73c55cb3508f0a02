/**
 * Builds the running core: opens the database, builds one DaemonLoop per
 * configured daemon, reconciles what a previous run left behind and starts
 * ticking. The shells reach it through api/create-core.ts (createCore).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from './clock';
import { systemClock } from './clock';
import type { NightshiftConfig } from './config';
import { type Logger, silentLogger } from './log';
import type { SecretStore } from './secret-port';
import { DB_FILE_NAME, openDatabase } from './store/db';
import { Supervisor } from './supervisor';

export interface CoreOptions {
  /** Holds nightshift.db (SQLite, WAL) and logs/ (agent output); workspaces live elsewhere (config.workspaceRoot). */
  dataDir: string;
  config: NightshiftConfig;
  clock?: Clock;
  logger?: Logger;
  /**
   * false: open the database and answer requests without running any loop or
   * agent (the CLI uses this when no instance is running).
   */
  startLoops?: boolean;
  /** Passed to better-sqlite3 (see OpenOptions in store/db.ts). */
  nativeBinding?: string;
  /** The tray app's keychain, for sources whose token is a `tokenSecret`. */
  secrets?: SecretStore;
}

/** Opens the database and builds the Supervisor (the shells wrap it with api/create-core.ts). */
export async function createSupervisor(options: CoreOptions): Promise<Supervisor> {
  // The data dir holds agent logs and the control socket: keep it private.
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const db = openDatabase(
    join(options.dataDir, DB_FILE_NAME),
    options.nativeBinding ? { nativeBinding: options.nativeBinding } : {},
  );
  let supervisor: Supervisor;
  try {
    supervisor = new Supervisor({
      db,
      config: options.config,
      dataDir: options.dataDir,
      clock: options.clock ?? systemClock,
      logger: options.logger ?? silentLogger,
      ...(options.secrets ? { secrets: options.secrets } : {}),
    });
  } catch (err) {
    db.close();
    throw err;
  }
  if (options.startLoops !== false) await supervisor.start();
  return supervisor;
}
