/**
 * What comes back from the shared database is external input: a team may have
 * edited rows by hand. Rows and NOTIFY payloads are validated here, and a bad
 * one becomes a transient SourceError naming the field, never a crash.
 */

import { TASK_STATUSES, type Task } from '@shared/task';
import { formatIssues } from '@shared/zod-issues';
import { z } from 'zod';
import { SourceError } from '../../errors';
import type { TaskNote } from '../port';

const timestamp = z.union([z.date(), z.string()]).transform((v) => (v instanceof Date ? v.toISOString() : v));

export const taskRowSchema = z.object({
  id: z.string().min(1),
  queue: z.string(),
  title: z.string(),
  prompt: z.string(),
  status: z.enum(TASK_STATUSES),
  runtime: z.string().nullable(),
  cwd: z.string().nullable(),
  repository: z.string().nullable(),
  claimed_by: z.string().nullable(),
  lease_until: timestamp.nullable(),
  attempts: z.number().int(),
  summary: z.string().nullable(),
  error: z.string().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type TaskRow = z.output<typeof taskRowSchema>;

export function parseTaskRow(row: unknown): TaskRow {
  const parsed = taskRowSchema.safeParse(row);
  if (!parsed.success) throw new SourceError('transient', formatIssues('postgres task row', parsed.error.issues));
  return parsed.data;
}

/** The protocol's Task: optional fields are absent rather than null. */
export function rowToTask(raw: unknown): Task {
  const row = parseTaskRow(raw);
  const task: Task = { id: row.id, title: row.title, prompt: row.prompt, status: row.status, created_at: row.created_at };
  if (row.runtime !== null) task.runtime = row.runtime;
  if (row.cwd !== null) task.cwd = row.cwd;
  if (row.repository !== null) task.repository = row.repository;
  return task;
}

const noteRowSchema = z.object({ action: z.string(), detail: z.string(), created_at: timestamp });

export function rowToNote(raw: unknown): TaskNote {
  const parsed = noteRowSchema.safeParse(raw);
  if (!parsed.success) throw new SourceError('transient', formatIssues('postgres note row', parsed.error.issues));
  return parsed.data;
}

/** What the trigger sends with pg_notify (migrations.ts). */
export const notificationSchema = z.object({
  op: z.enum(['insert', 'update', 'delete']),
  queue: z.string(),
  id: z.string(),
  status: z.string(),
});
export type TaskNotification = z.output<typeof notificationSchema>;

/** null when the payload is not ours (someone NOTIFYing the channel by hand). */
export function parseNotification(payload: string | undefined): TaskNotification | null {
  if (!payload) return null;
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return null;
  }
  const parsed = notificationSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
