/**
 * The `--json` shapes of `tasks` and `sessions`: one naming (camelCase) and
 * one time format (ISO 8601 in UTC, e.g. "2026-12-03T10:02:03.123Z"; null
 * when unset) for both, and structured values as JSON, never JSON in a
 * string. Documented in docs/cli.md ("JSON output").
 */

import type { SessionEventRow, SessionRow } from '@shared/sessions';
import type { LocalTask } from '@shared/task';

export interface TaskJson {
  id: string;
  queue: string;
  title: string;
  prompt: string;
  status: LocalTask['status'];
  runtime: string | null;
  cwd: string | null;
  repository: string | null;
  /** Summary (done, in review) or failure reason (failed) of the last run. */
  result: string | null;
  /** Why no daemon takes this todo task; null when one does. */
  blocked: string | null;
  createdAt: string;
  updatedAt: string;
}

export function taskJson(task: LocalTask): TaskJson {
  return {
    id: task.id,
    queue: task.queue,
    title: task.title,
    prompt: task.prompt,
    status: task.status,
    runtime: task.runtime ?? null,
    cwd: task.cwd ?? null,
    repository: task.repository ?? null,
    result: task.result,
    blocked: task.blocked ?? null,
    createdAt: isoTime(task.created_at),
    updatedAt: isoTime(task.updated_at),
  };
}

export interface SessionEventJson {
  at: string;
  event: string;
  from: string | null;
  to: string;
  detail: string | null;
}

export type SessionJson = Omit<SessionRow, 'workspace' | 'resumeAfter' | 'createdAt' | 'updatedAt' | 'endedAt'> & {
  /** Where the agent ran: {kind: "temp" | "cwd" | "worktree", path, ...}; null before it started. */
  workspace: Record<string, unknown> | null;
  resumeAfter: string | null;
  createdAt: string;
  updatedAt: string;
  endedAt: string | null;
  events?: SessionEventJson[];
};

export function sessionJson(session: SessionRow & { events?: SessionEventRow[] }): SessionJson {
  const { events, ...row } = session;
  const out: SessionJson = {
    ...row,
    workspace: parseWorkspace(row.workspace),
    resumeAfter: isoTime(row.resumeAfter),
    createdAt: isoTime(row.createdAt),
    updatedAt: isoTime(row.updatedAt),
    endedAt: isoTime(row.endedAt),
  };
  if (events) {
    out.events = events.map((e) => ({ at: isoTime(e.at), event: e.event, from: e.from, to: e.to, detail: e.detail }));
  }
  return out;
}

function isoTime(value: number | string): string;
function isoTime(value: number | string | null): string | null;
function isoTime(value: number | string | null): string | null {
  if (value === null) return null;
  return new Date(value).toISOString();
}

/** The session's workspace record is stored as JSON text; a record that does not parse is shown as {raw}. */
function parseWorkspace(record: string | null): Record<string, unknown> | null {
  if (record === null) return null;
  try {
    const value: unknown = JSON.parse(record);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : { raw: record };
  } catch {
    return { raw: record };
  }
}
