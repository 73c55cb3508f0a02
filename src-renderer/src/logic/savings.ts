/**
 * "Requests today" framed truthfully for the daemon's source: a local queue
 * makes no network requests at all; a push source is compared with what
 * polling at the base interval would have cost; a polling source says what
 * its idle backoff saved, and says plainly when that is nothing yet.
 */
import type { DaemonSnapshot } from '@shared/snapshot';

export interface Savings {
  made: number;
  fixed: number;
  saved: number;
  /** Share of the fixed poll's requests avoided, 0–100, whole percent. */
  percent: number;
}

export function savings(requestsToday: number, savedToday: number): Savings {
  const saved = Math.max(0, savedToday);
  const fixed = requestsToday + saved;
  return { made: requestsToday, fixed, saved, percent: fixed === 0 ? 0 : Math.round((saved / fixed) * 100) };
}

export type RequestFacts = Pick<DaemonSnapshot, 'sourceKind' | 'pushHealthy' | 'requestsToday' | 'savedToday' | 'pollIntervalMs'>;

/** The "Requests today" line. */
export function requestsLabel(d: RequestFacts): string {
  if (d.sourceKind === 'local') return 'no network requests (local queue)';
  return d.requestsToday.toLocaleString('en');
}

/** The saving line, or null when there is nothing true to say. */
export function savingsLabel(d: RequestFacts): string | null {
  if (d.sourceKind === 'local') return null;
  const s = savings(d.requestsToday, d.savedToday);
  if (s.fixed === 0) return 'no requests yet today';
  const every = `${Math.round(d.pollIntervalMs / 100) / 10} s`;
  if (s.saved === 0) return `none yet: polling every ${every}, the base interval`;
  const how = d.pushHealthy ? 'thanks to push' : 'by backing off while idle';
  return `${s.saved.toLocaleString('en')} fewer than polling every ${every} (${s.percent}%), ${how}`;
}
