/**
 * Session rows and their append-only event log. A transition updates the row
 * and appends its event in one transaction, so the timeline can never
 * disagree with the state.
 */
import { randomUUID } from 'node:crypto';
import type { SessionEventRow, SessionOutcome, SessionRow, SessionState } from '@shared/sessions';
import type { FailureView } from '@shared/snapshot';
import type { Db } from '../store/db';
import { StatementCache } from '../store/statements';
import { ParkedSessions } from './parked';
import { nextState, type SessionEvent } from './transitions';

/** Fields a transition may change besides the state. */
export type SessionPatch = Partial<
  Pick<
    SessionRow,
    | 'outcome'
    | 'pid'
    | 'resumeToken'
    | 'resumeAfter'
    | 'workspace'
    | 'result'
    | 'reported'
    | 'cleanupPending'
    | 'attempt'
    | 'logPath'
  >
> & {
  /** Kept for the task's next run (sessions/parked.ts). */
  parked?: boolean;
};

export interface NewSession {
  daemon: string;
  taskId: string;
  taskTitle: string;
  runtime: string;
}

/** Only the last lines of output are kept in the row; the full log is a file. */
export const LAST_OUTPUT_LINES = 40;
const MAX_LINE_CHARS = 500;

interface Row {
  id: string;
  daemon: string;
  task_id: string;
  task_title: string;
  runtime: string;
  state: SessionState;
  outcome: SessionOutcome | null;
  attempt: number;
  pid: number | null;
  resume_token: string | null;
  resume_after: number | null;
  workspace: string | null;
  result: string | null;
  reported: number;
  cleanup_pending: number;
  last_output: string;
  log_path: string | null;
  created_at: number;
  updated_at: number;
  ended_at: number | null;
}

const COLUMNS: Record<keyof SessionPatch, string> = {
  outcome: 'outcome',
  pid: 'pid',
  resumeToken: 'resume_token',
  resumeAfter: 'resume_after',
  workspace: 'workspace',
  result: 'result',
  reported: 'reported',
  cleanupPending: 'cleanup_pending',
  attempt: 'attempt',
  logPath: 'log_path',
  parked: 'parked',
};

export class SessionStore {
  private readonly listeners = new Set<(row: SessionRow) => void>();

  private readonly sql: StatementCache;
  /** Sessions given back with their agent session and workspace kept. */
  readonly parked: ParkedSessions;

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {
    this.sql = new StatementCache(db);
    this.parked = new ParkedSessions(db);
  }

  /** Called after every committed change of a row (for the `session` event). */
  onChange(listener: (row: SessionRow) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A new session in `claiming`: written before the claim so a crash leaves a trace. */
  create(input: NewSession): SessionRow {
    const id = `s_${randomUUID()}`;
    const at = this.now();
    this.db.transaction(() => {
      this.sql
        .get(
          `INSERT INTO sessions (id, daemon, task_id, task_title, runtime, state, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, 'claiming', ?, ?)`,
        )
        .run(id, input.daemon, input.taskId, input.taskTitle.slice(0, 500), input.runtime, at, at);
      this.insertEvent(id, at, 'created', null, 'claiming', null);
    })();
    return this.notify(this.require(id));
  }

  get(id: string): SessionRow | null {
    const row = this.sql.get('SELECT * FROM sessions WHERE id = ?').get(id) as Row | undefined;
    return row ? toSession(row) : null;
  }

  require(id: string): SessionRow {
    const row = this.get(id);
    if (!row) throw new Error(`no session ${id}`);
    return row;
  }

  /** Applies `event`; throws TransitionError when the current state does not allow it. */
  transition(id: string, event: SessionEvent, patch: SessionPatch = {}, detail: string | null = null): SessionRow {
    const at = this.now();
    this.db.transaction(() => {
      const current = this.require(id);
      const to = nextState(current.state, event);
      const sets = ['state = ?', 'updated_at = ?'];
      const values: unknown[] = [to, at];
      if (to === 'closed' || to === 'failed') {
        sets.push('ended_at = ?', 'pid = NULL');
        values.push(at);
      }
      for (const [key, value] of Object.entries(patch) as [keyof SessionPatch, unknown][]) {
        sets.push(`${COLUMNS[key]} = ?`);
        values.push(typeof value === 'boolean' ? Number(value) : value);
      }
      this.sql.get(`UPDATE sessions SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
      this.insertEvent(id, at, event, current.state, to, detail);
    })();
    return this.notify(this.require(id));
  }

  /** Changes fields without a state change (pid, resume token): no event row. */
  update(id: string, patch: SessionPatch): SessionRow {
    const entries = Object.entries(patch) as [keyof SessionPatch, unknown][];
    if (entries.length === 0) return this.require(id);
    const sets = entries.map(([key]) => `${COLUMNS[key]} = ?`);
    const values = entries.map(([, v]) => (typeof v === 'boolean' ? Number(v) : v));
    this.sql.get(`UPDATE sessions SET ${sets.join(', ')}, updated_at = ? WHERE id = ?`).run(...values, this.now(), id);
    return this.require(id);
  }

  /** Records a note in the timeline without changing state ("workspace kept: …"). */
  note(id: string, event: string, detail: string): void {
    const current = this.require(id);
    this.insertEvent(id, this.now(), event, current.state, current.state, detail);
  }

  setLastOutput(id: string, lines: readonly string[]): void {
    const kept = lines.slice(-LAST_OUTPUT_LINES).map((l) => (l.length > MAX_LINE_CHARS ? `${l.slice(0, MAX_LINE_CHARS)}…` : l));
    this.sql.get('UPDATE sessions SET last_output = ? WHERE id = ?').run(JSON.stringify(kept), id);
  }

  /** Removes a session that never ran (its claim was lost). */
  discard(id: string): void {
    this.sql.get(`DELETE FROM sessions WHERE id = ? AND state = 'claiming'`).run(id);
  }

  listByDaemon(daemon: string, states: readonly SessionState[]): SessionRow[] {
    const marks = states.map(() => '?').join(',');
    const rows = this.sql
      .get(`SELECT * FROM sessions WHERE daemon = ? AND state IN (${marks}) ORDER BY created_at, id`)
      .all(daemon, ...states) as Row[];
    return rows.map(toSession);
  }

  hasOpenForTask(daemon: string, taskId: string): boolean {
    const row = this.sql
      .get(`SELECT 1 FROM sessions WHERE daemon = ? AND task_id = ? AND state NOT IN ('closed','failed') LIMIT 1`)
      .get(daemon, taskId);
    return row !== undefined;
  }

  list(filter: { daemon?: string; states?: readonly SessionState[]; limit?: number }): SessionRow[] {
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.daemon) {
      where.push('daemon = ?');
      values.push(filter.daemon);
    }
    if (filter.states?.length) {
      where.push(`state IN (${filter.states.map(() => '?').join(',')})`);
      values.push(...filter.states);
    }
    const sql = `SELECT * FROM sessions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
    return (this.sql.get(sql).all(...values, filter.limit ?? 200) as Row[]).map(toSession);
  }

  /** The newest failed run of a daemon (state `failed`, or a failure still being reported). */
  lastFailure(daemon: string): FailureView | null {
    const row = this.sql
      .get(
        `SELECT id, task_id, task_title, result, updated_at FROM sessions
         WHERE daemon = ? AND state IN ('completing', 'failed') AND outcome = 'failed' ORDER BY updated_at DESC, id DESC LIMIT 1`,
      )
      .get(daemon) as { id: string; task_id: string; task_title: string; result: string | null; updated_at: number } | undefined;
    if (!row) return null;
    return { sessionId: row.id, taskId: row.task_id, taskTitle: row.task_title, reason: row.result ?? '', at: row.updated_at };
  }

  /** Sessions (of one daemon, or all) still open or ended at or after `since`, newest first. */
  listActiveSince(since: number, daemon?: string, limit = 2_000): SessionRow[] {
    const rows = daemon
      ? this.sql
          .get('SELECT * FROM sessions WHERE daemon = ? AND (ended_at IS NULL OR ended_at >= ?) ORDER BY created_at DESC LIMIT ?')
          .all(daemon, since, limit)
      : this.sql
          .get('SELECT * FROM sessions WHERE (ended_at IS NULL OR ended_at >= ?) ORDER BY created_at DESC LIMIT ?')
          .all(since, limit);
    return (rows as Row[]).map(toSession);
  }

  events(sessionId: string): SessionEventRow[] {
    const rows = this.sql.get('SELECT * FROM session_events WHERE session_id = ? ORDER BY id').all(sessionId) as {
      id: number;
      session_id: string;
      at: number;
      event: string;
      from_state: SessionState | null;
      to_state: SessionState;
      detail: string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      sessionId: r.session_id,
      at: r.at,
      event: r.event,
      from: r.from_state,
      to: r.to_state,
      detail: r.detail,
    }));
  }

  /** Deletes ended sessions (and their events) older than `before`. */
  pruneEnded(before: number): number {
    // A parked session's workspace is still to be taken over or cleaned.
    return this.sql.get(`DELETE FROM sessions WHERE state IN ('closed','failed') AND ended_at < ? AND parked = 0`).run(before)
      .changes;
  }

  private insertEvent(id: string, at: number, event: string, from: SessionState | null, to: SessionState, detail: string | null) {
    this.sql
      .get('INSERT INTO session_events (session_id, at, event, from_state, to_state, detail) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, at, event, from, to, detail === null ? null : detail.slice(0, 4000));
  }

  private notify(row: SessionRow): SessionRow {
    for (const listener of this.listeners) listener(row);
    return row;
  }
}

function toSession(r: Row): SessionRow {
  return {
    id: r.id,
    daemon: r.daemon,
    taskId: r.task_id,
    taskTitle: r.task_title,
    runtime: r.runtime,
    state: r.state,
    outcome: r.outcome,
    attempt: r.attempt,
    pid: r.pid,
    resumeToken: r.resume_token,
    resumeAfter: r.resume_after,
    workspace: r.workspace,
    result: r.result,
    reported: r.reported === 1,
    cleanupPending: r.cleanup_pending === 1,
    lastOutput: safeLines(r.last_output),
    logPath: r.log_path,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    endedAt: r.ended_at,
  };
}

function safeLines(json: string): string[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((l): l is string => typeof l === 'string') : [];
  } catch {
    return [];
  }
}
