/**
 * `Retry-After` (RFC 9110 §10.2.3): either delay-seconds or an HTTP date. A
 * date is turned into a delay relative to the injected clock, so that tests
 * (and a laptop whose clock is simulated) compute the same delay the server meant.
 */

const DELAY_SECONDS = /^\d+$/;
/** Every HTTP-date form (IMF-fixdate, RFC 850, asctime) starts with a day name; Date.parse alone accepts "-5". */
const HTTP_DATE_START = /^[A-Za-z]{3}/;

/** The delay in ms, or undefined when the header is absent or unreadable. Never negative. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value == null) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (DELAY_SECONDS.test(trimmed)) return Number(trimmed) * 1000;
  if (!HTTP_DATE_START.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
