import type { SessionEventRow, SessionRow, SessionState } from '@shared/sessions';
import { describe, expect, it } from 'vitest';
import { sessionSpans, sessionSpansOf } from '../../src-main/core/session-spans';

const session = { id: 's1', daemon: 'd', taskId: 't1', taskTitle: 'Fix it', endedAt: null } as SessionRow;

function timeline(...steps: [number, string, SessionState | null, SessionState][]): SessionEventRow[] {
  return steps.map(([at, event, from, to], i) => ({ id: i + 1, sessionId: 's1', at, event, from, to, detail: null }));
}

describe('session spans', () => {
  it('a run that went to review, was rejected, ran again and was approved', () => {
    const events = timeline(
      [0, 'created', null, 'claiming'],
      [10, 'claimed', 'claiming', 'active'],
      [100, 'agent_completed', 'active', 'completing'],
      [110, 'reported_review', 'completing', 'in_review'],
      [500, 'rejected', 'in_review', 'active'],
      [600, 'agent_completed', 'active', 'completing'],
      [610, 'reported_review', 'completing', 'in_review'],
      [900, 'approved', 'in_review', 'completing'],
      [910, 'finished', 'completing', 'closed'],
    );
    expect(sessionSpansOf(session, events).map((s) => [s.kind, s.start, s.end, s.outcome])).toEqual([
      ['run', 10, 100, 'in_review'],
      ['review_wait', 110, 500, 'failed'],
      ['run', 500, 600, 'in_review'],
      ['review_wait', 610, 900, 'done'],
    ]);
  });

  it('a rate limit holds the slot until the resume; a failed run says failed; an open run is running', () => {
    const events = timeline(
      [0, 'created', null, 'claiming'],
      [10, 'claimed', 'claiming', 'active'],
      [50, 'rate_limited', 'active', 'rate_limited'],
      [300, 'resumed', 'rate_limited', 'active'],
      [400, 'agent_failed', 'active', 'completing'],
      [410, 'finished_failed', 'completing', 'failed'],
    );
    expect(sessionSpansOf(session, events).map((s) => [s.kind, s.start, s.end, s.outcome])).toEqual([
      ['run', 10, 50, 'rate_limited'],
      ['rate_limit_wait', 50, 300, 'rate_limited'],
      ['run', 300, 400, 'failed'],
    ]);
    const running = sessionSpansOf(session, events.slice(0, 2));
    expect(running).toMatchObject([{ kind: 'run', start: 10, end: null, outcome: 'running', taskTitle: 'Fix it', daemon: 'd' }]);
  });

  it('keeps only spans that reach into the window', () => {
    const events = timeline([0, 'claimed', 'claiming', 'active'], [100, 'agent_completed', 'active', 'completing']);
    expect(sessionSpans([session], () => events, 50)).toHaveLength(1);
    expect(sessionSpans([session], () => events, 101)).toHaveLength(0);
  });
});
