/** The "add a task" form, validated with the contract's addTask schema before it is sent. */

import { addTaskSchema } from '@shared/contract';
import type { z } from 'zod';
import { issuesByField, type Validated } from './settings-form';

export interface NewTaskForm {
  prompt: string;
  title: string;
  cwd: string;
  /** The local queue to add to; empty = the instance's default. */
  queue: string;
}

export const EMPTY_TASK_FORM: NewTaskForm = { prompt: '', title: '', cwd: '', queue: '' };

export function validateNewTask(form: NewTaskForm): Validated<z.output<typeof addTaskSchema>> {
  // Empty optional fields mean "not given", not "an empty title".
  const parsed = addTaskSchema.safeParse({
    prompt: form.prompt,
    title: form.title.trim() || undefined,
    cwd: form.cwd.trim() || undefined,
    queue: form.queue || undefined,
  });
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: issuesByField(parsed.error.issues) };
}
