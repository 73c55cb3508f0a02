/**
 * What an HTTP task server may send us (docs/sources.md, "The HTTP
 * protocol": the task and its endpoints), validated at the boundary. Unknown keys are dropped; a missing or mistyped
 * field is a transient error naming the field, never a crash further in.
 */

import { TASK_STATUSES, type Task } from '@shared/task';
import { formatIssues } from '@shared/zod-issues';
import { z } from 'zod';
import { SourceError } from '../../errors';
import type { TaskNote } from '../port';

/** Servers written in other languages often send null for "absent". */
const optionalText = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);

export const taskSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  prompt: z.string(),
  status: z.enum(TASK_STATUSES),
  runtime: optionalText,
  cwd: optionalText,
  repository: optionalText,
  created_at: z.string().min(1),
  /** Optional lease (claim reply, or a task we hold): renew within it by heartbeat or lose the task. */
  leaseMs: z.number().int().positive().nullish(),
});

/** The heartbeat reply: the renewed lease, when the server says how long. */
export const heartbeatSchema = z.object({ leaseMs: z.number().int().positive().nullish() }).nullish();

export const taskListSchema = z.array(taskSchema);

export const noteListSchema = z.array(
  z.object({
    action: z.string().min(1),
    detail: z.string().default(''),
    created_at: z.string().min(1),
  }),
);

/** The payload of an SSE `event: task`. */
export const taskEventSchema = z.object({ id: z.string().min(1), status: z.string().min(1) });

const MAX_ISSUES_SHOWN = 3;

/** Validates `body` or throws SourceError('transient') naming the request and the wrong fields. */
export function parseWire<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, MAX_ISSUES_SHOWN);
  const text = formatIssues(`response to ${what}`, issues).replace(/\n\s*/g, ' ');
  throw new SourceError('transient', text);
}

export function toTask(wire: z.output<typeof taskSchema>): Task {
  const task: Task = { id: wire.id, title: wire.title, prompt: wire.prompt, status: wire.status, created_at: wire.created_at };
  if (wire.runtime !== undefined) task.runtime = wire.runtime;
  if (wire.cwd !== undefined) task.cwd = wire.cwd;
  if (wire.repository !== undefined) task.repository = wire.repository;
  return task;
}

export function toNotes(wire: z.output<typeof noteListSchema>): TaskNote[] {
  return wire.map((n) => ({ action: n.action, detail: n.detail, created_at: n.created_at }));
}
