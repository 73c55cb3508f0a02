/**
 * Lease renewal for shared queues: while an agent runs, its task's lease is
 * renewed; a lease another worker took over stops our agent, because two
 * agents must never work on one task.
 */
import { errorMessage } from '../errors';
import type { LoopContext } from './context';

const DEFAULT_HEARTBEAT_MS = 15_000;

export interface LeaseHeartbeat {
  stop(): void;
  /** A task was just claimed: its lease may be shorter than the current wait, so re-plan the next renewal now. */
  rearm(): void;
}

/** Starts renewing. A source without heartbeat gets a no-op. */
export function startLeaseHeartbeat(ctx: LoopContext): LeaseHeartbeat {
  const { source } = ctx;
  if (!source.heartbeat) return { stop: () => {}, rearm: () => {} };
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
    if (!stopped) arm();
  };
  let dueAt = 0;
  const arm = () => {
    const ms = source.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_MS;
    dueAt = ctx.clock.now() + ms;
    cancel = ctx.clock.setTimer(beat, ms);
  };
  arm();
  return {
    stop() {
      stopped = true;
      cancel?.();
    },
    rearm() {
      // Only ever sooner: frequent claims must not keep pushing a renewal back.
      if (stopped || ctx.clock.now() + (source.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_MS) >= dueAt) return;
      cancel?.();
      arm();
    },
  };
}
