/**
 * Writing to the team queue from outside a daemon: team tooling, scripts and
 * tests. Inputs are validated with zod before anything reaches the database.
 */

import type { Task } from '@shared/task';
import { formatIssues } from '@shared/zod-issues';
import pg from 'pg';
import { z } from 'zod';
import { ValidationError } from '../../errors';
import type { TaskNote } from '../port';
import { clientConfigFrom } from './connection';
import { assertSchemaName, ident } from './migrations';
import { rowToNote, rowToTask } from './rows';

export const newPostgresTaskSchema = z.strictObject({
  id: z.string().min(1).max(200).optional(),
  queue: z.string().min(1).default('default'),
  title: z.string().min(1),
  prompt: z.string().min(1),
  runtime: z.string().min(1).optional(),
  cwd: z.string().min(1).optional(),
  repository: z.string().min(1).optional(),
});
export type NewPostgresTask = z.input<typeof newPostgresTaskSchema>;

const newNoteSchema = z.strictObject({ action: z.string().min(1), detail: z.string().default('') });

type Target = pg.Pool | pg.Client | string;

/** Runs `fn` on the given pool/client, or on a short-lived client for a connection string. */
async function withQueryable<T>(target: Target, fn: (db: pg.Pool | pg.Client) => Promise<T>): Promise<T> {
  if (typeof target !== 'string') return fn(target);
  const client = new pg.Client(clientConfigFrom(target));
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function validate<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ValidationError(formatIssues(what, parsed.error.issues));
  return parsed.data;
}

/** Inserts a `todo` task (the insert trigger wakes LISTENing daemons); the schema must exist (a source has started, or the SQL was applied). */
export async function enqueuePostgresTask(target: Target, input: NewPostgresTask, schema = 'nightshift'): Promise<Task> {
  assertSchemaName(schema);
  const task = validate(newPostgresTaskSchema, input, 'postgres task');
  const res = await withQueryable(target, (db) =>
    db.query(
      `INSERT INTO ${ident(schema)}.tasks (id, queue, title, prompt, runtime, cwd, repository)
       VALUES (COALESCE($1, 't_' || replace(gen_random_uuid()::text, '-', '')), $2, $3, $4, $5, $6, $7) RETURNING *`,
      [task.id ?? null, task.queue, task.title, task.prompt, task.runtime ?? null, task.cwd ?? null, task.repository ?? null],
    ),
  );
  return rowToTask(res.rows[0]);
}

/** Adds a review note, e.g. `{action: "rejected", detail: "tests fail"}`. */
export async function addPostgresNote(
  target: Target,
  taskId: string,
  note: { action: string; detail?: string },
  schema = 'nightshift',
): Promise<TaskNote> {
  assertSchemaName(schema);
  const valid = validate(newNoteSchema, note, 'postgres note');
  const res = await withQueryable(target, (db) =>
    db.query(
      `INSERT INTO ${ident(schema)}.notes (task_id, action, detail) VALUES ($1, $2, $3) RETURNING action, detail, created_at`,
      [taskId, valid.action, valid.detail],
    ),
  );
  return rowToNote(res.rows[0]);
}
