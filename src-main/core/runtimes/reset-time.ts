/**
 * Reading "when may we try again" out of what agents print. Pure functions of
 * the text and `now` (epoch ms) so that every format is unit-tested.
 */

export const DEFAULT_RATE_LIMIT_WAIT_MS = 60 * 60 * 1000;

/** A bare value: epoch seconds (or ms when 13+ digits) or an ISO 8601 time. */
export function parseResetValue(value: string): number | undefined {
  const v = value.trim();
  if (/^\d{9,12}$/.test(v)) return Number(v) * 1000;
  if (/^\d{13,}$/.test(v)) return Number(v);
  if (/^\d{4}-\d{2}-\d{2}/.test(v)) {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  second: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hour: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
};

/** "2 hours 30 minutes", "38.2s", "1h 5m" → ms; undefined when nothing matched. */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)\b/gi;
  let total = 0;
  let found = false;
  for (const m of text.matchAll(re)) {
    const unit = m[2]!
      .toLowerCase()
      .replace(/s$/, '')
      .replace(/^millisecond$/, 'ms');
    const ms = UNIT_MS[unit] ?? UNIT_MS[m[2]!.toLowerCase()];
    if (ms === undefined) continue;
    total += Number(m[1]) * ms;
    found = true;
  }
  return found ? Math.round(total) : undefined;
}

/**
 * A clock time of day ("3:45 PM", "3pm", "15:00") → the next such local time
 * after `now`; a dated time ("Nov 26th, 2026 3:45 PM") → that time.
 */
export function parseClockTime(text: string, now: number): number | undefined {
  const t = text.trim().replace(/(\d)(st|nd|rd|th)\b/g, '$1');
  if (/[A-Za-z]{3,}\s+\d{1,2}/.test(t) && /\d{4}/.test(t)) {
    const ms = Date.parse(t.replace(/\s*\([^)]*\)\s*$/, ''));
    if (!Number.isNaN(ms)) return ms;
  }
  const m = /^(\d{1,2})(?::(\d{2}))?\s*([ap]\.?m\.?)?/i.exec(t);
  if (!m || (!m[2] && !m[3])) return undefined;
  let hours = Number(m[1]);
  const minutes = Number(m[2] ?? 0);
  const meridiem = m[3]?.toLowerCase().replace(/\./g, '');
  if (meridiem === 'pm' && hours < 12) hours += 12;
  if (meridiem === 'am' && hours === 12) hours = 0;
  if (hours > 23 || minutes > 59) return undefined;
  const at = new Date(now);
  at.setHours(hours, minutes, 0, 0);
  if (at.getTime() <= now) at.setDate(at.getDate() + 1);
  return at.getTime();
}

/**
 * Finds a reset time in a human message: "try again at 3:45 PM", "try again
 * in 2 hours", "resets 3pm", "Please retry in 38.2s", "…|1737000000".
 */
export function findResetTime(message: string, now: number): number | undefined {
  const pipe = /\|(\d{9,13})\s*$/.exec(message);
  if (pipe) return parseResetValue(pipe[1]!);
  const at = /(?:try again at|resets(?: at)?|reset at)\s+([^·\n]+?)\s*(?:\.\s|\.$|·|\n|$)/i.exec(message);
  if (at) {
    const iso = parseResetValue(at[1]!);
    if (iso !== undefined) return iso;
    const clock = parseClockTime(at[1]!, now);
    if (clock !== undefined) return clock;
  }
  const within = /(?:try again in|retry in|resets in|wait)\s+([0-9](?:[^.·\n]|\.\d)*)/i.exec(message);
  if (within) {
    const ms = parseDuration(within[1]!);
    if (ms !== undefined) return now + ms;
  }
  return undefined;
}
