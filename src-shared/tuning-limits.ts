/**
 * The limits of a daemon's tuning as plain numbers (tuning.ts builds the zod
 * field schemas from them). Apart from tuning.ts so that the CLI can check
 * `--max-concurrent` without loading zod: its offline `task add` and `tasks`
 * load no zod at all (test/cli/offline-queue.e2e.test.ts, bench/cli.ts).
 */

const HOUR = 3_600_000;
const DAY = 86_400_000;

export const TUNING_LIMITS = {
  /** 100 ms is for demos and tests (the config warns under 1 s); an hour is the slowest base a daemon may poll at. */
  pollIntervalMs: { min: 100, max: HOUR },
  /** The idle cap: never below the base (capAtLeastBase in tuning.ts), at most a day. */
  maxIdleBackoffMs: { min: 100, max: DAY },
  /** Agents at once per daemon. */
  maxConcurrent: { min: 1, max: 64 },
} as const;
