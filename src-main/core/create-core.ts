/**
 * The core's front door: opens the database, builds one DaemonLoop per
 * configured daemon, reconciles what a previous run left behind and starts
 * ticking. Both shells call this and nothing deeper.
 */
import type { NightshiftConfig } from './config';
import type { NightshiftCore } from './core-api';
import type { Logger } from './log';
import type { Clock } from './types';

export interface CoreOptions {
  /** Holds nightshift.db (SQLite, WAL) and logs/ (per-session agent output). */
  dataDir: string;
  config: NightshiftConfig;
  clock?: Clock;
  logger?: Logger;
  /**
   * false: open the database and answer requests without running any loop or
   * agent (the CLI uses this when no instance is running).
   */
  startLoops?: boolean;
}

export async function createCore(_options: CoreOptions): Promise<NightshiftCore> {
  throw new Error('createCore: being written (lead)');
}
