/**
 * Small persistent state that must survive a restart: a daemon's paused flag
 * and tuning overrides, runtime-wide rate-limit pauses, and app settings.
 */
import { z } from 'zod';
import type { AppSettings, DaemonTuning } from '../../api/contract';
import type { Db } from './db';
import { StatementCache } from './statements';

export type TuningOverride = Partial<Omit<DaemonTuning, 'name'>>;

const tuningSchema = z
  .object({
    pollIntervalMs: z.number().int().positive(),
    maxIdleBackoffMs: z.number().int().positive(),
    maxConcurrent: z.number().int().positive(),
    jitter: z.boolean(),
  })
  .partial();

export const DEFAULT_APP_SETTINGS: AppSettings = { startAtLogin: false, pauseOnBattery: false, notifications: true };

const appSettingsSchema = z.object({
  startAtLogin: z.boolean().catch(DEFAULT_APP_SETTINGS.startAtLogin),
  pauseOnBattery: z.boolean().catch(DEFAULT_APP_SETTINGS.pauseOnBattery),
  notifications: z.boolean().catch(DEFAULT_APP_SETTINGS.notifications),
});

export interface RuntimePause {
  runtime: string;
  pausedUntil: number;
  reason: string;
}

export class StateStore {
  private readonly sql: StatementCache;

  constructor(db: Db) {
    this.sql = new StatementCache(db);
  }

  /** null when this daemon has no stored state yet (the config's `paused` applies). */
  paused(daemon: string): boolean | null {
    const row = this.sql.get('SELECT paused FROM daemon_state WHERE daemon = ?').get(daemon) as { paused: number } | undefined;
    return row ? row.paused === 1 : null;
  }

  setPaused(daemon: string, paused: boolean): void {
    this.sql
      .get('INSERT INTO daemon_state (daemon, paused) VALUES (?, ?) ON CONFLICT (daemon) DO UPDATE SET paused = excluded.paused')
      .run(daemon, Number(paused));
  }

  tuning(daemon: string): TuningOverride {
    const row = this.sql.get('SELECT tuning FROM daemon_state WHERE daemon = ?').get(daemon) as
      | { tuning: string | null }
      | undefined;
    if (!row?.tuning) return {};
    const parsed = tuningSchema.safeParse(safeJson(row.tuning));
    return parsed.success ? parsed.data : {};
  }

  setTuning(daemon: string, tuning: TuningOverride): void {
    this.sql
      .get(
        `INSERT INTO daemon_state (daemon, paused, tuning) VALUES (?, 0, ?)
         ON CONFLICT (daemon) DO UPDATE SET tuning = excluded.tuning`,
      )
      .run(daemon, JSON.stringify(tuning));
  }

  runtimePause(runtime: string): RuntimePause | null {
    const row = this.sql.get('SELECT runtime, paused_until, reason FROM runtime_pauses WHERE runtime = ?').get(runtime) as
      | { runtime: string; paused_until: number; reason: string }
      | undefined;
    return row ? { runtime: row.runtime, pausedUntil: row.paused_until, reason: row.reason } : null;
  }

  /** The longest known reset wins: a shorter window never shortens a pause. */
  extendRuntimePause(runtime: string, until: number, reason: string): RuntimePause {
    this.sql
      .get(
        `INSERT INTO runtime_pauses (runtime, paused_until, reason) VALUES (?, ?, ?)
         ON CONFLICT (runtime) DO UPDATE SET
           reason = CASE WHEN excluded.paused_until > paused_until THEN excluded.reason ELSE reason END,
           paused_until = MAX(paused_until, excluded.paused_until)`,
      )
      .run(runtime, until, reason);
    return this.runtimePause(runtime)!;
  }

  clearRuntimePause(runtime: string): void {
    this.sql.get('DELETE FROM runtime_pauses WHERE runtime = ?').run(runtime);
  }

  appSettings(): AppSettings {
    const row = this.sql.get(`SELECT value FROM settings WHERE key = 'app'`).get() as { value: string } | undefined;
    if (!row) return { ...DEFAULT_APP_SETTINGS };
    const parsed = appSettingsSchema.safeParse(safeJson(row.value));
    return parsed.success ? parsed.data : { ...DEFAULT_APP_SETTINGS };
  }

  setAppSettings(settings: AppSettings): void {
    this.sql
      .get(`INSERT INTO settings (key, value) VALUES ('app', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
      .run(JSON.stringify(settings));
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
