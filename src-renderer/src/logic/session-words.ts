/**
 * A session row in words for people: its state ("done", "failed: reason"),
 * a coarse category to filter by, and its duration without the time it sat
 * waiting for a person's review.
 */
import type { SessionRow, SessionSpan } from '@shared/sessions';
import { formatClock } from './format';

export const SESSION_CATEGORIES = ['running', 'waiting', 'in review', 'done', 'failed', 'cancelled'] as const;
export type SessionCategory = (typeof SESSION_CATEGORIES)[number];

export function firstLine(text: string | null): string {
  return (
    (text ?? '')
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? ''
  );
}

export function sessionCategory(s: Pick<SessionRow, 'state' | 'outcome'>): SessionCategory {
  if (s.state === 'failed' || s.outcome === 'failed') return 'failed';
  if (s.state === 'closed') return s.outcome === 'done' ? 'done' : 'cancelled';
  if (s.state === 'in_review') return 'in review';
  if (s.state === 'active' || s.state === 'claiming' || s.state === 'completing') return 'running';
  return 'waiting';
}

export function sessionStateWords(s: Pick<SessionRow, 'state' | 'outcome' | 'result' | 'resumeAfter'>): string {
  const category = sessionCategory(s);
  if (category === 'failed') {
    const reason = firstLine(s.result);
    return reason ? `failed: ${reason}` : 'failed';
  }
  if (s.state === 'closed') return s.outcome === 'released' ? 'released' : (s.outcome ?? 'closed');
  switch (s.state) {
    case 'claiming':
      return 'claiming';
    case 'active':
      return 'running';
    case 'completing':
      return 'reporting';
    case 'in_review':
      return 'in review';
    case 'rate_limited':
      return s.resumeAfter ? `rate-limited until ${formatClock(s.resumeAfter)}` : 'rate-limited';
    case 'interrupted':
      return 'interrupted: resumes at restart';
    default:
      return s.state;
  }
}

/** Time waited for review by session id (open reviews count up to `now`). */
export function reviewWaits(spans: readonly SessionSpan[], now: number): Map<string, number> {
  const waits = new Map<string, number>();
  for (const s of spans) {
    if (s.kind !== 'review_wait') continue;
    waits.set(s.sessionId, (waits.get(s.sessionId) ?? 0) + Math.max(0, (s.end ?? now) - s.start));
  }
  return waits;
}

/** From creation to end (or now), less the review waits. */
export function workDuration(s: Pick<SessionRow, 'createdAt' | 'endedAt'>, reviewWaitMs: number, now: number): number {
  return Math.max(0, (s.endedAt ?? now) - s.createdAt - reviewWaitMs);
}
