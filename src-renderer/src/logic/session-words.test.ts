import type { SessionRow, SessionSpan } from '@shared/sessions';
import { describe, expect, it } from 'vitest';
import { reviewWaits, sessionCategory, sessionStateWords, workDuration } from './session-words';

const row = (over: Partial<SessionRow>) =>
  ({ state: 'closed', outcome: 'done', result: null, resumeAfter: null, createdAt: 0, endedAt: null, ...over }) as SessionRow;

describe('session state in words', () => {
  it('says done, failed with the first line of the reason, and what an open session is doing', () => {
    expect(sessionStateWords(row({}))).toBe('done');
    expect(sessionStateWords(row({ state: 'failed', outcome: 'failed', result: '\nexit code 3: tests fail\nmore' }))).toBe(
      'failed: exit code 3: tests fail',
    );
    expect(sessionStateWords(row({ state: 'completing', outcome: 'failed', result: null }))).toBe('failed');
    expect(sessionStateWords(row({ state: 'closed', outcome: 'cancelled' }))).toBe('cancelled');
    expect(sessionStateWords(row({ state: 'active', outcome: null }))).toBe('running');
    expect(sessionStateWords(row({ state: 'in_review', outcome: null }))).toBe('in review');
    expect(sessionCategory(row({ state: 'rate_limited', outcome: null }))).toBe('waiting');
  });

  it('duration leaves out the time waiting for review', () => {
    const spans = [
      { sessionId: 's', kind: 'run', start: 0, end: 100 },
      { sessionId: 's', kind: 'review_wait', start: 110, end: 1_110 },
      { sessionId: 's', kind: 'review_wait', start: 1_300, end: null },
    ] as SessionSpan[];
    const waits = reviewWaits(spans, 2_300);
    expect(waits.get('s')).toBe(2_000);
    expect(workDuration(row({ createdAt: 0, endedAt: null }), waits.get('s')!, 2_300)).toBe(300);
  });
});
