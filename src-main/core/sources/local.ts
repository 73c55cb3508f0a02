/**
 * The local queue as a {@link TaskSource}. Its push is in-process: adding a
 * task (from the dashboard, the tray or the CLI's control socket) wakes the
 * daemons watching that queue at once, so the timer is only a backstop.
 */

import type { Task } from '@shared/task';
import type { SourceConfig } from '../config';
import { type LocalTaskQueue, toProtocolTask } from './local-queue';
import type { ClaimResult, TaskNote, TaskSource } from './port';

export interface LocalSourceOptions {
  queue: string;
  /** Completed tasks wait in `in_review` for Approve / Reject. */
  review: boolean;
  worker: string;
  /** The daemon's runtime name: tasks asking for another runtime are not listed. */
  runtime?: string;
  /** Backstop poll while push works (the local push cannot drop, but a second process may write). */
  reconcileIntervalMs?: number;
}

const CLAIM_BATCH = 50;

export class LocalTaskSource implements TaskSource {
  readonly kind: SourceConfig['kind'] = 'local';
  readonly reconcileIntervalMs: number;
  private requests = 0;

  constructor(
    private readonly queue: LocalTaskQueue,
    private readonly options: LocalSourceOptions,
  ) {
    this.reconcileIntervalMs = options.reconcileIntervalMs ?? 300_000;
  }

  async listClaimable(): Promise<Task[]> {
    this.requests++;
    return this.queue.claimable(this.options.queue, CLAIM_BATCH, this.options.runtime).map(toProtocolTask);
  }

  async claim(id: string): Promise<ClaimResult> {
    this.requests++;
    if (this.queue.move(id, ['todo'], 'in_progress', { claimedBy: this.options.worker })) {
      return { ok: true, task: toProtocolTask(this.queue.require(id)) };
    }
    return { ok: false, reason: this.queue.get(id) ? 'already_claimed' : 'gone' };
  }

  async get(id: string): Promise<Task | null> {
    this.requests++;
    const task = this.queue.get(id);
    return task ? toProtocolTask(task) : null;
  }

  // Reports are conditional on `in_progress`, so a report repeated after a
  // crash (sent, but not yet marked as sent) changes nothing the second time.
  async complete(id: string, summary: string): Promise<void> {
    this.requests++;
    this.queue.move(id, ['in_progress'], this.options.review ? 'in_review' : 'done', { result: summary });
  }

  async fail(id: string, error: string): Promise<void> {
    this.requests++;
    this.queue.move(id, ['in_progress'], 'failed', { result: error });
  }

  async release(id: string): Promise<void> {
    this.requests++;
    this.queue.move(id, ['in_progress'], 'todo', { claimedBy: null });
  }

  async notes(id: string): Promise<TaskNote[]> {
    this.requests++;
    return this.queue.notes(id);
  }

  watch(onChange: () => void): () => void {
    return this.queue.onChange((queue) => {
      if (queue === this.options.queue) onChange();
    });
  }

  pushHealthy(): boolean {
    return true;
  }

  requestCount(): number {
    return this.requests;
  }
}
