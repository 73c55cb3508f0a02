/**
 * The embedded task queue: a `tasks` table in the app's own SQLite file. Every
 * status change is a single conditional UPDATE, so a claim is atomic even with
 * several daemons (or processes) on one file. Changes are announced in-process
 * so that a waiting daemon ticks at once (push without a network).
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { LocalTask, Task, TaskStatus } from '@shared/task';
import type { Db } from '../store/db';
import { StatementCache } from '../store/statements';
import type { TaskNote } from './port';

export interface NewTask {
  prompt: string;
  title?: string;
  cwd?: string;
  repository?: string;
  runtime?: string;
  queue?: string;
}

interface Row {
  id: string;
  queue: string;
  title: string;
  prompt: string;
  status: TaskStatus;
  runtime: string | null;
  cwd: string | null;
  repository: string | null;
  result: string | null;
  created_at: string;
  updated_at: string;
}

export const DEFAULT_QUEUE = 'default';

export class LocalTaskQueue {
  /** Emits `change` with the queue name after any committed change. */
  private readonly changes = new EventEmitter();
  private seq: number;

  private readonly sql: StatementCache;

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {
    this.sql = new StatementCache(db);
    this.changes.setMaxListeners(0);
    const row = db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM tasks').get() as { seq: number };
    this.seq = row.seq;
  }

  onChange(listener: (queue: string) => void): () => void {
    this.changes.on('change', listener);
    return () => this.changes.off('change', listener);
  }

  add(input: NewTask): LocalTask {
    const at = this.iso();
    const id = `t_${this.now().toString(36)}${randomBytes(4).toString('hex')}`;
    const queue = input.queue ?? DEFAULT_QUEUE;
    const title = input.title ?? firstLine(input.prompt);
    this.sql
      .get(
        `INSERT INTO tasks (id, seq, queue, title, prompt, status, runtime, cwd, repository, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'todo', ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        ++this.seq,
        queue,
        title,
        input.prompt,
        input.runtime ?? null,
        input.cwd ?? null,
        input.repository ?? null,
        at,
        at,
      );
    this.changes.emit('change', queue);
    return this.require(id);
  }

  get(id: string): LocalTask | null {
    const row = this.sql.get('SELECT * FROM tasks WHERE id = ?').get(id) as Row | undefined;
    return row ? toTask(row) : null;
  }

  require(id: string): LocalTask {
    const task = this.get(id);
    if (!task) throw new Error(`no task ${id}`);
    return task;
  }

  /**
   * Tasks, newest first. With `promptChars`, each prompt is read only up to
   * that many characters plus one (so the caller can tell it was cut): a list
   * of megabyte tasks must not read megabytes per request.
   */
  list(
    filter: { queue?: string; status?: readonly TaskStatus[]; limit?: number } = {},
    options: { promptChars?: number } = {},
  ): LocalTask[] {
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.queue) {
      where.push('queue = ?');
      values.push(filter.queue);
    }
    if (filter.status?.length) {
      where.push(`status IN (${filter.status.map(() => '?').join(',')})`);
      values.push(...filter.status);
    }
    // As bytes (SQLite's text functions stop at a NUL): 4 bytes per character covers any UTF-8, plus one to tell it was cut.
    const headBytes = options.promptChars === undefined ? null : Math.floor(options.promptChars) * 4 + 1;
    const columns =
      headBytes === null
        ? '*'
        : `id, queue, title, substr(CAST(prompt AS BLOB), 1, ${headBytes}) AS prompt, status, runtime, cwd, repository, result, created_at, updated_at`;
    const sql = `SELECT ${columns} FROM tasks ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    const rows = this.sql.get(sql).all(...values, filter.limit ?? 500) as (Omit<Row, 'prompt'> & { prompt: string | Buffer })[];
    return rows.map((r) => toTask({ ...r, prompt: typeof r.prompt === 'string' ? r.prompt : utf8Head(r.prompt) }));
  }

  /** Tasks of one queue that are waiting or under way, by status. */
  depth(queue: string): { todo: number; inProgress: number; inReview: number } {
    const rows = this.sql
      .get(
        `SELECT status, COUNT(*) AS n FROM tasks WHERE queue = ? AND status IN ('todo','in_progress','in_review') GROUP BY status`,
      )
      .all(queue) as { status: TaskStatus; n: number }[];
    const n = (status: TaskStatus) => rows.find((r) => r.status === status)?.n ?? 0;
    return { todo: n('todo'), inProgress: n('in_progress'), inReview: n('in_review') };
  }

  /**
   * Oldest todo tasks of `queue` that a daemon running `runtime` may take.
   * The runtime filter is in the query so that tasks asking for another
   * runtime never fill the batch and hide the ones behind them.
   */
  claimable(queue: string, limit: number, runtime?: string): LocalTask[] {
    const rows = (
      runtime === undefined
        ? this.sql.get(`SELECT * FROM tasks WHERE queue = ? AND status = 'todo' ORDER BY seq LIMIT ?`).all(queue, limit)
        : this.sql
            .get(
              `SELECT * FROM tasks WHERE queue = ? AND status = 'todo' AND (runtime IS NULL OR runtime = ?) ORDER BY seq LIMIT ?`,
            )
            .all(queue, runtime, limit)
    ) as Row[];
    return rows.map(toTask);
  }

  /** Todo tasks counted by what they ask for (queue, runtime): the input of "why is nothing taking this". */
  todoGroups(): { queue: string; runtime: string | null; count: number }[] {
    return this.sql
      .get(
        `SELECT queue, runtime, COUNT(*) AS count FROM tasks WHERE status = 'todo' GROUP BY queue, runtime ORDER BY queue, runtime`,
      )
      .all() as { queue: string; runtime: string | null; count: number }[];
  }

  /**
   * Moves a task between statuses only if it is in one of `from`; returns
   * whether it moved. The WHERE clause is what makes claims atomic.
   */
  move(
    id: string,
    from: readonly TaskStatus[],
    to: TaskStatus,
    fields: { result?: string | null; claimedBy?: string | null } = {},
  ): boolean {
    const sets = ['status = ?', 'updated_at = ?'];
    const values: unknown[] = [to, this.iso()];
    if (fields.result !== undefined) {
      sets.push('result = ?');
      values.push(fields.result);
    }
    if (fields.claimedBy !== undefined) {
      sets.push('claimed_by = ?');
      values.push(fields.claimedBy);
    }
    const marks = from.map(() => '?').join(',');
    const info = this.sql
      .get(`UPDATE tasks SET ${sets.join(', ')} WHERE id = ? AND status IN (${marks})`)
      .run(...values, id, ...from);
    if (info.changes === 1) this.changes.emit('change', this.require(id).queue);
    return info.changes === 1;
  }

  /**
   * Deletes finished tasks last changed before `before` whose sessions have
   * ended (their notes go with them): the queue would otherwise grow forever.
   */
  pruneFinished(before: number): number {
    return this.sql
      .get(
        `DELETE FROM tasks WHERE status IN ('done','failed','cancelled') AND updated_at < ?
           AND id NOT IN (SELECT task_id FROM sessions WHERE state NOT IN ('closed','failed'))`,
      )
      .run(new Date(before).toISOString()).changes;
  }

  addNote(id: string, action: string, detail: string): void {
    this.sql
      .get('INSERT INTO task_notes (task_id, action, detail, created_at) VALUES (?, ?, ?, ?)')
      .run(id, action, detail, this.iso());
  }

  notes(id: string): TaskNote[] {
    return this.sql.get('SELECT action, detail, created_at FROM task_notes WHERE task_id = ? ORDER BY id').all(id) as TaskNote[];
  }

  /** Review loop: `in_progress` again with a `rejected` note, in one transaction. */
  reject(id: string, reason: string): boolean {
    return this.db.transaction(() => {
      const moved = this.move(id, ['in_review'], 'in_progress');
      if (moved) this.addNote(id, 'rejected', reason);
      return moved;
    })();
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}

function firstLine(text: string): string {
  const line = text.trim().split('\n', 1)[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line || 'untitled task';
}

function toTask(r: Row): LocalTask {
  const task: LocalTask = {
    id: r.id,
    queue: r.queue,
    title: r.title,
    prompt: r.prompt,
    status: r.status,
    created_at: r.created_at,
    updated_at: r.updated_at,
    result: r.result,
    blocked: null,
  };
  if (r.runtime) task.runtime = r.runtime;
  if (r.cwd) task.cwd = r.cwd;
  if (r.repository) task.repository = r.repository;
  return task;
}

/** The protocol's Task, without the local-only fields. */
export function toProtocolTask(t: LocalTask): Task {
  const { queue: _q, updated_at: _u, result: _r, blocked: _b, ...task } = t;
  return task;
}

/** Decodes a UTF-8 prefix cut at any byte: a trailing incomplete character is dropped, not replaced. */
function utf8Head(bytes: Buffer): string {
  let end = bytes.length;
  // Step back over continuation bytes (10xxxxxx) to the start of the last character, and drop it if incomplete.
  let start = end - 1;
  while (start > 0 && start > end - 4 && (bytes[start]! & 0xc0) === 0x80) start--;
  const lead = bytes[start] ?? 0;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  if (end - start < need) end = start;
  return bytes.subarray(0, end).toString('utf8');
}
