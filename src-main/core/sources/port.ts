/**
 * What a source offers the loop: the port every task source (local queue,
 * HTTP, Postgres) implements. See docs/architecture.md, "Add a source kind".
 */
import type { Task } from '@shared/task';

/** A review note on a task, e.g. `{action: "rejected", detail: "tests fail"}`. */
export interface TaskNote {
  action: string;
  detail: string;
  created_at: string;
}

export type ClaimResult = { ok: true; task: Task } | { ok: false; reason: 'already_claimed' | 'gone' };

/**
 * A report is retried until the source acknowledges it; the key is the same
 * on every retry of one report so that a server can apply it once.
 */
export interface ReportOptions {
  idempotencyKey?: string;
}

/**
 * What a source offers the loop. Every method may throw a {@link SourceError}
 * (see errors.ts); anything else thrown is treated as a transient error.
 */
export interface TaskSource {
  /** "local" | "http" | "postgres" — shown in the UI. */
  readonly kind: string;
  /** Tasks in `todo` this daemon may take, oldest first. */
  listClaimable(): Promise<Task[]>;
  /** Atomically `todo → in_progress` for this worker; a lost race is `{ok:false}`, not an error. */
  claim(id: string): Promise<ClaimResult>;
  /** The current task, or null when it is gone (deleted). */
  get(id: string): Promise<Task | null>;
  complete(id: string, summary: string, options?: ReportOptions): Promise<void>;
  fail(id: string, error: string, options?: ReportOptions): Promise<void>;
  /** Back to `todo` (this worker gives the task up). */
  release(id: string, options?: ReportOptions): Promise<void>;
  notes(id: string): Promise<TaskNote[]>;
  /**
   * Optional push: call `onChange` whenever a claimable task may exist or a
   * task's status changed. The loop treats a call as "tick now". Returns the
   * unsubscribe function.
   */
  watch?(onChange: () => void): () => void;
  /**
   * True while a push channel (SSE stream, held long poll, LISTEN) is healthy:
   * the loop's timer then only runs a slow reconcile poll.
   */
  pushHealthy?(): boolean;
  /**
   * True while the push channel also delivers status changes of running tasks
   * (SSE task events, LISTEN): the loop then checks them only when woken.
   */
  pushesStatusChanges?(): boolean;
  /**
   * The push channel in use, or null when this source only polls (none
   * configured, or the server offers none). Absent: the source cannot tell.
   */
  pushChannel?(): string | null;
  /** While push is healthy, the timer runs only this slow reconcile poll (ms). */
  readonly reconcileIntervalMs?: number;
  /**
   * Called periodically while a task runs (lease renewal for shared queues).
   * Resolves false when the lease is lost (another worker holds the task):
   * the loop then stops its agent.
   */
  heartbeat?(id: string): Promise<boolean>;
  /** How often to call heartbeat (default 15 s). */
  readonly heartbeatIntervalMs?: number;
  /** Requests made to the backing store since this source was created (monotonic). */
  requestCount(): number;
  close?(): Promise<void>;
}
