/** Shared set-up for the HTTP source tests: a config with the schema's defaults, and polling for a condition. */

import type { Clock } from '../../src-main/core/clock';
import { sourceConfigSchema } from '../../src-main/core/config';
import type { HttpSourceConfig } from '../../src-main/core/sources/http';

export function httpConfig(url: string, overrides: Partial<Omit<HttpSourceConfig, 'kind' | 'url'>> = {}): HttpSourceConfig {
  return sourceConfigSchema.parse({ kind: 'http', url, ...overrides }) as HttpSourceConfig;
}

/** Resolves once `predicate` holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Real timers, but a wall clock the test sets (for Retry-After dates). */
export function fixedNowClock(now: number): Clock {
  return {
    now: () => now,
    setTimer(fn, ms) {
      const handle = setTimeout(fn, ms);
      return () => clearTimeout(handle);
    },
  };
}

/** Counts onChange calls and remembers when each came. */
export function changeRecorder() {
  const at: number[] = [];
  return {
    onChange: () => {
      at.push(Date.now());
    },
    get count() {
      return at.length;
    },
    at,
  };
}

/**
 * Real time, but every timer fires `factor` times sooner: the code under test
 * still asks for its exact delays (recorded in `delays`), the test just does
 * not sit through them.
 */
export function acceleratedClock(factor: number) {
  const delays: number[] = [];
  const clock: Clock = {
    now: () => Date.now(),
    setTimer(fn, ms) {
      delays.push(ms);
      const handle = setTimeout(fn, ms / factor);
      return () => clearTimeout(handle);
    },
  };
  return { clock, delays };
}
