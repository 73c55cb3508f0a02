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

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** A reset that reads as up to this far in the past is "now" (clock skew, minute rounding), not tomorrow. */
const JUST_PASSED_MS = 60 * 60_000;

/**
 * A clock time ("3:45 PM", "3pm", "15:00", "9am (Europe/Paris)") → the next
 * such time after `now`; with a date ("Dec 8, 9am (UTC)", the weekly limit's
 * format, or "Nov 26th, 2026 3:45 PM") → that day's, this year or the next.
 * A zone in parentheses is honoured; without one the local zone applies. A
 * time that just passed is now, not a day later.
 */
export function parseClockTime(text: string, now: number): number | undefined {
  const t = text.trim().replace(/(\d)(st|nd|rd|th)\b/g, '$1');
  const zone = validZone(/\(([^)]+)\)\s*$/.exec(t)?.[1]);
  const body = t.replace(/\s*\([^)]*\)\s*$/, '');
  const dated = /^([A-Za-z]{3,})\.?\s+(\d{1,2}),?\s*(?:(\d{4}),?\s*)?(?:at\s+)?(.*)$/.exec(body);
  const time = parseTimeOfDay(dated ? dated[4]! : body);
  if (!time) return undefined;
  const civil = (y: number, mo: number, d: number) => civilToEpoch(y, mo, d, time.hours, time.minutes, zone);
  const today = epochToCivil(now, zone);
  if (dated) {
    const month = MONTHS.indexOf(dated[1]!.slice(0, 3).toLowerCase());
    if (month < 0) return undefined;
    const day = Number(dated[2]);
    if (dated[3]) return civil(Number(dated[3]), month, day);
    const thisYear = civil(today.year, month, day);
    return thisYear > now - JUST_PASSED_MS ? thisYear : civil(today.year + 1, month, day);
  }
  const at = civil(today.year, today.month, today.day);
  return at > now - JUST_PASSED_MS ? at : civil(today.year, today.month, today.day + 1);
}

function parseTimeOfDay(text: string): { hours: number; minutes: number } | undefined {
  const m = /^(\d{1,2})(?::(\d{2}))?\s*([ap]\.?m\.?)?/i.exec(text.trim());
  if (!m || (!m[2] && !m[3])) return undefined;
  let hours = Number(m[1]);
  const minutes = Number(m[2] ?? 0);
  const meridiem = m[3]?.toLowerCase().replace(/\./g, '');
  if (meridiem === 'pm' && hours < 12) hours += 12;
  if (meridiem === 'am' && hours === 12) hours = 0;
  if (hours > 23 || minutes > 59) return undefined;
  return { hours, minutes };
}

function validZone(zone: string | undefined): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

/** Wall-clock fields of `epoch` in `zone` (local when undefined). */
function epochToCivil(epoch: number, zone: string | undefined): { year: number; month: number; day: number } {
  if (!zone) {
    const d = new Date(epoch);
    return { year: d.getFullYear(), month: d.getMonth(), day: d.getDate() };
  }
  const parts = zoneParts(epoch, zone);
  return { year: parts.year, month: parts.month, day: parts.day };
}

/** The instant the wall clock in `zone` reads this date and time (local when undefined). */
function civilToEpoch(
  year: number,
  month: number,
  day: number,
  hours: number,
  minutes: number,
  zone: string | undefined,
): number {
  if (!zone) return new Date(year, month, day, hours, minutes, 0, 0).getTime();
  const asUtc = Date.UTC(year, month, day, hours, minutes);
  // The zone's offset at that instant; a second pass settles a DST boundary.
  let epoch = asUtc - zoneOffset(asUtc, zone);
  epoch = asUtc - zoneOffset(epoch, zone);
  return epoch;
}

function zoneOffset(epoch: number, zone: string): number {
  const p = zoneParts(epoch, zone);
  return Date.UTC(p.year, p.month, p.day, p.hour, p.minute) - Math.floor(epoch / 60_000) * 60_000;
}

function zoneParts(epoch: number, zone: string) {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
  const get = (type: string) => Number(fmt.formatToParts(epoch).find((p) => p.type === type)?.value ?? 0);
  return { year: get('year'), month: get('month') - 1, day: get('day'), hour: get('hour'), minute: get('minute') };
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
