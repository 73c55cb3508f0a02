/**
 * "Saved vs fixed polling": how many source requests the idle backoff and
 * push wake avoided today compared with polling every pollIntervalMs. The core
 * computes savedToday; this only frames it for people.
 */
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

export function savingsLabel(requestsToday: number, savedToday: number): string {
  const s = savings(requestsToday, savedToday);
  if (s.fixed === 0) return 'no requests yet today';
  return `${s.saved.toLocaleString('en')} fewer than fixed polling (${s.percent}%)`;
}
