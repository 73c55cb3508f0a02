/**
 * Sessions as the views see them: one row per task run, its timeline, and the
 * spans (runs, waits) the dashboard draws.
 */

/**
 * One row per task run. `claiming` exists so that a crash between a remote
 * claim and the spawn leaves a trace that restart reconciliation can act on.
 */
export const SESSION_STATES = [
  'claiming',
  'active',
  'interrupted',
  'rate_limited',
  'in_review',
  'completing',
  'closed',
  'failed',
] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/** What a `completing` session still has to tell its source. */
export type SessionOutcome = 'done' | 'failed' | 'cancelled' | 'released';

export interface SessionRow {
  id: string;
  daemon: string;
  taskId: string;
  taskTitle: string;
  runtime: string;
  state: SessionState;
  outcome: SessionOutcome | null;
  /** Agent runs so far (first run = 1). */
  attempt: number;
  pid: number | null;
  resumeToken: string | null;
  /** Epoch ms; set while rate_limited. */
  resumeAfter: number | null;
  workspace: string | null;
  /** Summary (done) or error (failed) to report; also shown in the UI. */
  result: string | null;
  /** The source has acknowledged the outcome report. */
  reported: boolean;
  /** A workspace cleanup failed and will be retried. */
  cleanupPending: boolean;
  /** Last lines of agent output (bounded). */
  lastOutput: string[];
  logPath: string | null;
  createdAt: number;
  updatedAt: number;
  endedAt: number | null;
}

export interface SessionEventRow {
  id: number;
  sessionId: string;
  at: number;
  event: string;
  from: SessionState | null;
  to: SessionState;
  detail: string | null;
}

/** How one span of a session ended (or that it is still going). */
export const SPAN_OUTCOMES = ['running', 'done', 'failed', 'rate_limited', 'in_review', 'interrupted', 'cancelled'] as const;
export type SpanOutcome = (typeof SPAN_OUTCOMES)[number];

/**
 * One stretch of a session's life, derived from its timeline: an agent run
 * (`run`: from the agent's start to its exit), a rate-limited session waiting
 * to resume the same conversation (`rate_limit_wait`; it keeps its pool slot),
 * or a finished run waiting for a person's review (`review_wait`; no slot).
 */
export interface SessionSpan {
  sessionId: string;
  daemon: string;
  taskId: string;
  taskTitle: string;
  kind: 'run' | 'rate_limit_wait' | 'review_wait';
  /** Epoch ms. */
  start: number;
  /** Epoch ms; null while it goes on. */
  end: number | null;
  outcome: SpanOutcome;
}

/** Spans that hold a pool slot (the pool lanes draw these). */
export function holdsSlot(span: Pick<SessionSpan, 'kind'>): boolean {
  return span.kind !== 'review_wait';
}
