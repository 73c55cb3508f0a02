/**
 * Adding and listing local-queue tasks, the rules both ways in share: the
 * contract's handlers (a running core) and the CLI's offline queue path (no
 * core, no zod: headless/commands/offline-queue.ts). Which daemons exist comes
 * in as route targets; the queue is the SQLite table.
 */
import { stat } from 'node:fs/promises';
import { type LocalTask, PROMPT_PREVIEW_CHARS, type TaskStatus } from '@shared/task';
import { withPromptPreview } from '@shared/task-text';
import type { LocalTaskQueue, NewTask } from './sources/local-queue';
import { type RouteTarget, refuseUnroutable, whyNoDaemonTakes } from './task-routing';

/** A task refused for what it asks (a queue or runtime no daemon has, a cwd that is not a directory): bad usage. */
export class TaskRefusedError extends Error {
  override readonly name = 'TaskRefusedError';
}

export interface ListFilter {
  queue?: string | undefined;
  status?: readonly TaskStatus[] | undefined;
  limit?: number | undefined;
}

/** Without `--queue`, a task goes to the first local daemon's queue ("default" when there is none). */
export function defaultQueueOf(targets: readonly RouteTarget[]): string {
  return targets.find((t) => t.queue !== null)?.queue ?? 'default';
}

/** Queues a task after the checks a schema cannot make; throws TaskRefusedError. */
export async function addLocalTask(queue: LocalTaskQueue, targets: readonly RouteTarget[], input: NewTask): Promise<LocalTask> {
  const queueName = input.queue ?? defaultQueueOf(targets);
  const refusal = refuseUnroutable({ queue: queueName, runtime: input.runtime }, targets);
  if (refusal) throw new TaskRefusedError(refusal);
  if (input.cwd) {
    const info = await stat(input.cwd).catch(() => null);
    if (!info?.isDirectory()) throw new TaskRefusedError(`cwd: "${input.cwd}" is not a directory on this machine`);
  }
  return queue.add({ ...input, queue: queueName });
}

/** Newest first, each with a preview of its text, and for a todo task no daemon takes: why. */
export function listLocalTasks(queue: LocalTaskQueue, targets: readonly RouteTarget[], filter: ListFilter): LocalTask[] {
  const tasks = queue.list(filter, { promptChars: PROMPT_PREVIEW_CHARS }).map(withPromptPreview);
  if (targets.length === 0) return tasks;
  for (const task of tasks) if (task.status === 'todo') task.blocked = whyNoDaemonTakes(task, targets);
  return tasks;
}
