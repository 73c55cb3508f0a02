/**
 * An in-memory TaskSource for loop tests: counts every request, can be told
 * to fail the next calls, and can push like a real push-capable source.
 */

import type { Task, TaskStatus } from '@shared/task';
import type { SourceError } from '../../src-main/core/errors';
import type { ClaimResult, TaskNote, TaskSource } from '../../src-main/core/sources/port';

export class MemorySource implements TaskSource {
  readonly kind = 'memory';
  readonly tasks = new Map<string, Task>();
  readonly notesByTask = new Map<string, TaskNote[]>();
  readonly calls: string[] = [];
  reconcileIntervalMs: number | undefined = undefined;
  push = false;
  private failures: SourceError[] = [];
  private listeners = new Set<() => void>();
  private seq = 0;

  add(partial: Partial<Task> = {}): Task {
    const id = partial.id ?? `t${++this.seq}`;
    const task: Task = {
      id,
      title: `task ${id}`,
      prompt: `do ${id}`,
      status: 'todo',
      created_at: new Date(0).toISOString(),
      ...partial,
    };
    this.tasks.set(id, task);
    for (const l of this.listeners) l();
    return task;
  }

  setStatus(id: string, status: TaskStatus): void {
    const task = this.tasks.get(id);
    if (task) task.status = status;
    for (const l of this.listeners) l();
  }

  /** The next `n` requests (of any kind) throw this error. */
  failNext(error: SourceError, n = 1): void {
    for (let i = 0; i < n; i++) this.failures.push(error);
  }

  private hit(name: string): void {
    this.calls.push(name);
    const failure = this.failures.shift();
    if (failure) throw failure;
  }

  async listClaimable(): Promise<Task[]> {
    this.hit('list');
    return [...this.tasks.values()].filter((t) => t.status === 'todo').map((t) => ({ ...t }));
  }
  async claim(id: string): Promise<ClaimResult> {
    this.hit('claim');
    const task = this.tasks.get(id);
    if (!task) return { ok: false, reason: 'gone' };
    if (task.status !== 'todo') return { ok: false, reason: 'already_claimed' };
    task.status = 'in_progress';
    return { ok: true, task: { ...task } };
  }
  async get(id: string): Promise<Task | null> {
    this.hit('get');
    const task = this.tasks.get(id);
    return task ? { ...task } : null;
  }
  async complete(id: string): Promise<void> {
    this.hit('complete');
    const task = this.tasks.get(id);
    if (task?.status === 'in_progress') task.status = 'done';
  }
  async fail(id: string): Promise<void> {
    this.hit('fail');
    const task = this.tasks.get(id);
    if (task?.status === 'in_progress') task.status = 'failed';
  }
  async release(id: string): Promise<void> {
    this.hit('release');
    const task = this.tasks.get(id);
    if (task?.status === 'in_progress') task.status = 'todo';
  }
  async notes(id: string): Promise<TaskNote[]> {
    this.hit('notes');
    return this.notesByTask.get(id) ?? [];
  }
  watch(onChange: () => void): () => void {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  }
  pushHealthy(): boolean {
    return this.push;
  }
  requestCount(): number {
    return this.calls.length;
  }
  count(name: string): number {
    return this.calls.filter((c) => c === name).length;
  }
}
