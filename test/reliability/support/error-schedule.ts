/**
 * The bound a storm is measured against, computed from the real ErrorBackoff
 * (backoff.ts) rather than restated: the tick times a daemon would choose if
 * every tick of a storm failed.
 */

import { percentile } from '../../../bench/support/simulated-daemon';
import { ErrorBackoff, type Random } from '../../../src-main/core/backoff';
import { SourceError } from '../../../src-main/core/errors';

export interface ErrorSchedule {
  /** Offsets (ms from the storm's first tick) of every tick inside the storm. */
  tickOffsets: number[];
  /** The delay chosen after each of those ticks. */
  delays: number[];
}

/** Ticks inside [0, stormMs) when the first tick fails at 0 and every later one fails too. */
export function errorSchedule(baseMs: number, stormMs: number, jitter: boolean, random: Random = Math.random): ErrorSchedule {
  const backoff = new ErrorBackoff(baseMs, jitter, random);
  const tickOffsets: number[] = [];
  const delays: number[] = [];
  for (let at = 0; at < stormMs; ) {
    tickOffsets.push(at);
    const { delayMs } = backoff.onError(new SourceError('transient', 'server error 503'));
    delays.push(delayMs);
    at += delayMs;
  }
  return { tickOffsets, delays };
}

/** The un-jittered delays after each of `count` consecutive failures: the ceiling full jitter draws under. */
export function errorCeilings(baseMs: number, count: number): number[] {
  const backoff = new ErrorBackoff(baseMs, false);
  return Array.from({ length: count }, () => backoff.onError(new SourceError('transient', 'server error 503')).delayMs);
}

export interface JitteredExpectation {
  mean: number;
  p99: number;
  max: number;
}

/** With full jitter the tick count is random: its distribution over `runs` simulated storms. */
export function jitteredTickCounts(baseMs: number, stormMs: number, runs: number, seed: () => number): JitteredExpectation {
  const counts: number[] = [];
  for (let i = 0; i < runs; i++) counts.push(errorSchedule(baseMs, stormMs, true, seed).tickOffsets.length);
  counts.sort((a, b) => a - b);
  const mean = counts.reduce((s, c) => s + c, 0) / counts.length;
  return { mean, p99: percentile(counts, 99), max: counts.at(-1)! };
}
