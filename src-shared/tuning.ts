/**
 * The limits of a daemon's tuning, declared once. The config file
 * (src-main/core/config.ts) and the contract's setSettings (contract.ts)
 * validate with the same field schemas, so a daemon the config accepts can
 * always be saved back from the Settings view, and a value the view would
 * refuse is already refused when the config is loaded.
 */
import { z } from 'zod';
import { TUNING_LIMITS } from './tuning-limits';

const SECOND = 1_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

// The numbers live apart (no zod) for the CLI, whose commands must not load zod to parse their options.
export { TUNING_LIMITS };

function human(ms: number): string {
  if (ms % DAY === 0) return `${ms / DAY} day${ms === DAY ? '' : 's'}`;
  if (ms % HOUR === 0) return `${ms / HOUR} hour${ms === HOUR ? '' : 's'}`;
  return ms % SECOND === 0 ? `${ms / SECOND} s` : `${ms} ms`;
}

function durationMs({ min, max }: { min: number; max: number }) {
  return z
    .number()
    .int('must be a whole number of milliseconds')
    .min(min, `must be at least ${min} ms`)
    .max(max, `must be at most ${max} ms (${human(max)})`);
}

/** One schema per tuning field; the config adds defaults, the contract makes them optional. */
export const tuningFields = {
  pollIntervalMs: durationMs(TUNING_LIMITS.pollIntervalMs),
  maxIdleBackoffMs: durationMs(TUNING_LIMITS.maxIdleBackoffMs),
  maxConcurrent: z
    .number()
    .int('must be a whole number')
    .min(TUNING_LIMITS.maxConcurrent.min, `must be at least ${TUNING_LIMITS.maxConcurrent.min}`)
    .max(TUNING_LIMITS.maxConcurrent.max, `must be at most ${TUNING_LIMITS.maxConcurrent.max}`),
  jitter: z.boolean(),
};

/** The cap may not be below the base (where both are given): the idle curve only ever grows. */
export function capAtLeastBase(t: { pollIntervalMs?: number | undefined; maxIdleBackoffMs?: number | undefined }): boolean {
  return t.pollIntervalMs === undefined || t.maxIdleBackoffMs === undefined || t.maxIdleBackoffMs >= t.pollIntervalMs;
}

/** The refinement's message and path, the same in the config and the contract. */
export const CAP_BELOW_BASE = { message: 'must be at least pollIntervalMs', path: ['maxIdleBackoffMs'] };
