/**
 * Lease renewal for shared queues: while an agent runs, its task's lease is
 * renewed; a lease another worker took over stops our agent, because two
 * agents must never work on one task.
 */
import { errorMessage } from '../errors';
import type { LoopContext } from './context';

const DEFAULT_HEARTBEAT_MS = 15_000;

/** Starts renewing; returns the stop function. A source without heartbeat gets a no-op. */
export function startLeaseHeartbeat(ctx: LoopContext): () => void {
  const { source } = ctx;
  if (!source.heartbeat) return () => {};
  let cancel: (() => void) | null = null;
  let stopped = false;
  const beat = () => {
    for (const run of ctx.pool.running()) {
      source
        .heartbeat?.(run.taskId)
        .then((kept) => {
          if (kept === false) {
            ctx.log('warn', `lease on ${run.taskId} was taken over: stopping its agent`);
            return ctx.pool.stop(run.sessionId, 'cancelled');
          }
        })
        .catch((err) => ctx.log('warn', `lease renewal for ${run.taskId}: ${errorMessage(err)}`));
    }
    if (!stopped) cancel = ctx.clock.setTimer(beat, source.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_MS);
  };
  cancel = ctx.clock.setTimer(beat, source.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_MS);
  return () => {
    stopped = true;
    cancel?.();
  };
}
