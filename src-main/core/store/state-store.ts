/**
 * Small persistent state that must survive a restart: a daemon's paused flag
 * and tuning overrides, runtime-wide rate-limit pauses, and app settings.
 */

import type { AppSettings, DaemonTuning } from '@shared/settings';
import { z } from 'zod';
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

export type RuntimePauseKind = 'rate_limit' | 'environment';

export interface RuntimePause {
  runtime: string;
  /** Rate limit: the reset. Environment: when the next probe may run. */
  pausedUntil: number;
  reason: string;
  kind: RuntimePauseKind;
  /** Environment: how many probes failed in a row (the backoff step). */
  step: number;
  /** Environment: the one probe run of this step has started and not ended yet. */
  probing: boolean;
}

/** Environment probes: 1 min, doubling, at most 30 min apart. */
export interface ProbeBackoff {
  baseMs: number;
  maxMs: number;
}
export const DEFAULT_PROBE_BACKOFF: ProbeBackoff = { baseMs: 60_000, maxMs: 30 * 60_000 };

interface PauseRow {
  runtime: string;
  paused_until: number;
  reason: string;
  kind: string;
  step: number;
  probing: number;
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
    const row = this.sql
      .get('SELECT runtime, paused_until, reason, kind, step, probing FROM runtime_pauses WHERE runtime = ?')
      .get(runtime) as PauseRow | undefined;
    if (!row) return null;
    return {
      runtime: row.runtime,
      pausedUntil: row.paused_until,
      reason: row.reason,
      kind: row.kind === 'environment' ? 'environment' : 'rate_limit',
      step: row.step,
      probing: row.probing === 1,
    };
  }

  /**
   * A usage limit: the longest known reset wins, a shorter window never
   * shortens a pause. A limit is proof the CLI reached its API, so it ends an
   * environment pause (its probe succeeded as far as the environment goes).
   */
  extendRuntimePause(runtime: string, until: number, reason: string): RuntimePause {
    this.sql
      .get(
        `INSERT INTO runtime_pauses (runtime, paused_until, reason) VALUES (?, ?, ?)
         ON CONFLICT (runtime) DO UPDATE SET
           reason = CASE WHEN excluded.paused_until > paused_until OR kind = 'environment' THEN excluded.reason ELSE reason END,
           paused_until = CASE WHEN kind = 'environment' THEN excluded.paused_until ELSE MAX(paused_until, excluded.paused_until) END,
           kind = 'rate_limit', step = 0, probing = 0`,
      )
      .run(runtime, until, reason);
    return this.runtimePause(runtime)!;
  }

  /**
   * An environment failure (not logged in, no network, …): pause until the
   * next probe. A failure while the pause still runs (several runs failing
   * together) keeps the step; a failure after it expired (the probe failed)
   * doubles the wait. A longer rate-limit pause is kept.
   */
  pauseForEnvironment(runtime: string, now: number, reason: string, backoff = DEFAULT_PROBE_BACKOFF): RuntimePause {
    const current = this.runtimePause(runtime);
    let step = 0;
    if (current?.kind === 'environment') step = current.pausedUntil > now ? current.step : current.step + 1;
    const wait = Math.min(backoff.baseMs * 2 ** step, backoff.maxMs);
    const until = Math.max(now + wait, current?.kind === 'rate_limit' ? current.pausedUntil : 0);
    if (current?.kind === 'environment' && current.pausedUntil > now && !current.probing) {
      // Same step: keep its probe time, refresh the reason.
      this.sql.get('UPDATE runtime_pauses SET reason = ? WHERE runtime = ?').run(reason, runtime);
      return this.runtimePause(runtime)!;
    }
    this.sql
      .get(
        `INSERT INTO runtime_pauses (runtime, paused_until, reason, kind, step, probing) VALUES (?, ?, ?, 'environment', ?, 0)
         ON CONFLICT (runtime) DO UPDATE SET paused_until = excluded.paused_until, reason = excluded.reason,
           kind = 'environment', step = excluded.step, probing = 0`,
      )
      .run(runtime, until, reason, step);
    return this.runtimePause(runtime)!;
  }

  /**
   * Takes the one probe run of an expired environment pause. True for exactly
   * one caller per step, across every daemon sharing the runtime.
   */
  claimProbe(runtime: string, now: number): boolean {
    const result = this.sql
      .get(
        `UPDATE runtime_pauses SET probing = 1
         WHERE runtime = ? AND kind = 'environment' AND probing = 0 AND paused_until <= ?`,
      )
      .run(runtime, now);
    return result.changes === 1;
  }

  /** The probe run ended without telling (stopped): the step may probe again. */
  releaseProbe(runtime: string): void {
    this.sql.get(`UPDATE runtime_pauses SET probing = 0 WHERE runtime = ? AND kind = 'environment'`).run(runtime);
  }

  /** Wake: probe an environment pause now rather than at the end of its step. */
  probeNow(runtime: string, now: number): void {
    this.sql
      .get(`UPDATE runtime_pauses SET paused_until = MIN(paused_until, ?) WHERE runtime = ? AND kind = 'environment'`)
      .run(now, runtime);
  }

  /** The runtime worked: an environment pause is over (a rate-limit pause stays). */
  clearEnvironmentPause(runtime: string): void {
    this.sql.get(`DELETE FROM runtime_pauses WHERE runtime = ? AND kind = 'environment'`).run(runtime);
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
