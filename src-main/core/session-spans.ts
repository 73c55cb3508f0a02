/**
 * Session spans for the pool lanes and the sessions table, derived from the
 * session timelines (session_events rows): nothing new is stored. A session
 * holds a slot while its agent runs (`active`) and while it waits out a rate
 * limit (`rate_limited`); the review wait holds none and is not work time.
 */
import type { SessionEventRow, SessionRow, SessionSpan, SpanOutcome } from '@shared/sessions';

/** What an agent run's exit event says about it, before the report settles it. */
const RUN_END: Record<string, SpanOutcome> = {
  agent_completed: 'done',
  agent_failed: 'failed',
  rate_limited: 'rate_limited',
  interrupted: 'interrupted',
  cancelled: 'cancelled',
  released: 'cancelled',
  task_gone: 'cancelled',
};

/** The report of a completed run changes what it ended as. */
const REPORTED: Record<string, SpanOutcome> = {
  reported_review: 'in_review',
  finished_failed: 'failed',
};

/** The state a span lasts for, by kind. */
const SPAN_STATE = { run: 'active', rate_limit_wait: 'rate_limited', review_wait: 'in_review' } as const;

export function sessionSpansOf(session: SessionRow, events: readonly SessionEventRow[]): SessionSpan[] {
  const spans: SessionSpan[] = [];
  const base = { sessionId: session.id, daemon: session.daemon, taskId: session.taskId, taskTitle: session.taskTitle };
  let open: SessionSpan | null = null;
  /** The last run whose completion is not reported yet. */
  let unreported: SessionSpan | null = null;
  for (const e of events) {
    if (open && e.from === SPAN_STATE[open.kind]) {
      open.end = e.at;
      if (open.kind === 'run') {
        open.outcome = RUN_END[e.event] ?? 'done';
        if (e.event === 'agent_completed') unreported = open;
      } else if (open.kind === 'review_wait') {
        open.outcome = e.event === 'approved' ? 'done' : e.event === 'rejected' ? 'failed' : 'cancelled';
      }
      open = null;
    }
    if (unreported && REPORTED[e.event]) {
      unreported.outcome = REPORTED[e.event]!;
      unreported = null;
    }
    const kind =
      e.to === 'active' ? 'run' : e.to === 'rate_limited' ? 'rate_limit_wait' : e.to === 'in_review' ? 'review_wait' : null;
    if (kind) {
      open = {
        ...base,
        kind,
        start: e.at,
        end: null,
        outcome: kind === 'run' ? 'running' : kind === 'review_wait' ? 'in_review' : 'rate_limited',
      };
      spans.push(open);
    }
  }
  return spans;
}

/** Every span of these sessions that overlaps [since, ∞), oldest first. */
export function sessionSpans(
  sessions: readonly SessionRow[],
  eventsOf: (sessionId: string) => SessionEventRow[],
  since: number,
): SessionSpan[] {
  return sessions
    .filter((s) => s.endedAt === null || s.endedAt >= since)
    .flatMap((s) => sessionSpansOf(s, eventsOf(s.id)))
    .filter((r) => r.end === null || r.end >= since)
    .sort((a, b) => a.start - b.start);
}
