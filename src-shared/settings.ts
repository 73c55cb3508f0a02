/** App-wide settings and the per-daemon tuning a view may change at run time. */

/** The per-daemon knobs a view may change at run time (stored as overrides of the config file). */
export const TUNING_KEYS = ['pollIntervalMs', 'maxIdleBackoffMs', 'maxConcurrent', 'jitter'] as const;
export type TuningKey = (typeof TUNING_KEYS)[number];

/** App-wide settings (persisted in SQLite). */
export interface AppSettings {
  startAtLogin: boolean;
  /** Pause new work while on battery power (running agents continue). */
  pauseOnBattery: boolean;
  notifications: boolean;
}

export interface TuningValues {
  pollIntervalMs: number;
  maxIdleBackoffMs: number;
  maxConcurrent: number;
  jitter: boolean;
}

/** The per-daemon knobs that can be changed at run time (persisted as overrides of the config file). */
export interface DaemonTuning extends TuningValues {
  name: string;
  /** Keys whose value was saved from a view and overrides the config file ("overrides nightshift.json"). */
  overridden: TuningKey[];
  /** The config file's values: what `resetDaemonTuning` goes back to. */
  configured: TuningValues;
}

export interface Settings {
  app: AppSettings;
  daemons: DaemonTuning[];
}
