/**
 * How many outcome reports the fixture server actually applied to a task,
 * read from its request log. A request made while a fault was injected never
 * reached the task board (the fault answers first), and a replay of an
 * Idempotency-Key is answered from memory: neither counts as applied.
 */
import type { LoggedRequest } from '../../fixtures/task-server/server';

export interface ReportCount {
  /** complete requests for the task, faulted or not. */
  attempts: number;
  /** complete requests that reached the board and changed it. */
  applied: number;
  /** Distinct Idempotency-Keys used (1 = every retry was the same report). */
  keys: number;
  failRequests: number;
}

/**
 * `healedFrom` is the index of the first request made after the last fault was
 * cleared; `faultedAfter` counts requests after it that a counted fault rule still caught.
 */
export function reportsFor(log: LoggedRequest[], taskId: string, healedFrom: number, faultedAfter = 0): ReportCount {
  const path = (action: string) => `/api/tasks/${encodeURIComponent(taskId)}/${action}`;
  const completes = log.map((r, i) => ({ r, i })).filter(({ r }) => r.endpoint === 'complete' && r.path === path('complete'));
  const reachedBoard = completes.filter(({ r, i }) => i >= healedFrom && !r.replayed).length - faultedAfter;
  return {
    attempts: completes.length,
    applied: Math.max(0, reachedBoard),
    keys: new Set(completes.map(({ r }) => r.idempotencyKey)).size,
    failRequests: log.filter((r) => r.endpoint === 'fail' && r.path === path('fail')).length,
  };
}
