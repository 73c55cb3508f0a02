/**
 * Push by long poll: a background loop of held `GET /api/tasks?status=todo&wait=S`.
 * The server proves support with `X-Long-Poll: <max seconds>` (a server
 * without it ignores `wait` and answers at once: then this channel is
 * unsupported). A held request that returns new claimable tasks wakes the loop.
 */

import type { Task } from '@shared/task';
import { errorMessage, isConnectionRefused, SourceError } from '../../errors';
import type { ChannelContext, ChannelEnd } from './push-channel';
import { RECONNECT_BASE_MS, RECONNECT_CAP_MS } from './push-channel';
import { ReconnectBackoff } from './reconnect-backoff';
import { sleep } from './sleep';
import { parseWire, taskListSchema, toTask } from './wire-schemas';

const DISCOVERY_WAIT_S = 1;

export interface LongPollReply {
  tasks: Task[];
  /** From `X-Long-Poll`; undefined when the server does not hold requests. */
  maxHoldS: number | undefined;
}

export async function longPollOnce(ctx: ChannelContext, waitS: number, requestTimeoutMs: number): Promise<LongPollReply> {
  const path = `/api/tasks?status=todo&wait=${waitS}`;
  // The server holds the answer up to waitS on purpose: time out only past that.
  const reply = await ctx.transport.request('GET', path, {
    timeoutMs: waitS * 1000 + requestTimeoutMs,
    signal: ctx.signal,
    push: true,
  });
  if (reply.status !== 200) throw new SourceError('transient', `GET ${path}: unexpected status ${reply.status}`);
  const header = Number(reply.headers.get('x-long-poll'));
  return {
    tasks: parseWire(taskListSchema, reply.body, `GET ${path}`).map(toTask),
    maxHoldS: Number.isFinite(header) && header > 0 ? header : undefined,
  };
}

export function longPollChannel(waitS: number, requestTimeoutMs: number) {
  return async function runLongPoll(ctx: ChannelContext): Promise<ChannelEnd> {
    const errors = new ReconnectBackoff({
      baseMs: RECONNECT_BASE_MS,
      capMs: RECONNECT_CAP_MS,
      random: ctx.random,
      now: () => ctx.clock.now(),
    });
    // The server answers at once while tasks stay claimable (our pool may be full):
    // back off instead of spinning, until the listing changes.
    const unchanged = new ReconnectBackoff({
      baseMs: RECONNECT_BASE_MS,
      capMs: RECONNECT_CAP_MS,
      random: ctx.random,
      now: () => ctx.clock.now(),
    });
    // Support shows only in the answer's X-Long-Poll header, so discover with a short hold:
    // pushHealthy becomes true within a second instead of after a full hold on an idle queue.
    let holdS = Math.min(waitS, DISCOVERY_WAIT_S);
    let seen = new Set<string>();
    while (!ctx.signal.aborted) {
      let reply: LongPollReply;
      try {
        reply = await longPollOnce(ctx, holdS, requestTimeoutMs);
      } catch (err) {
        if (ctx.signal.aborted) break;
        ctx.setHealthy(false);
        if (err instanceof SourceError && err.kind === 'unauthorized') return 'unauthorized';
        if (errors.worthLogging) ctx.logger.log('warn', ctx.scope, `long poll: ${errorMessage(err)}`);
        // After a failure the next poll is a short one again, so push is healthy within a second of the server's return.
        holdS = Math.min(waitS, DISCOVERY_WAIT_S);
        const retryAfterMs = err instanceof SourceError ? err.retryAfterMs : undefined;
        if (retryAfterMs !== undefined) await sleep(ctx.clock, retryAfterMs, ctx.signal);
        else if ((await ctx.retryPause(isConnectionRefused(err) ? errors.nextRefused() : errors.next())) === 'server_back')
          errors.reset();
        continue;
      }
      if (reply.maxHoldS === undefined) {
        ctx.setHealthy(false);
        return 'unsupported';
      }
      errors.reset();
      holdS = Math.min(waitS, reply.maxHoldS);
      ctx.setHealthy(true);
      const ids = new Set(reply.tasks.map((t) => t.id));
      const fresh = [...ids].some((id) => !seen.has(id));
      seen = ids;
      if (ids.size === 0) {
        unchanged.reset();
      } else if (fresh) {
        unchanged.reset();
        ctx.wake();
      } else {
        await sleep(ctx.clock, unchanged.next(), ctx.signal);
      }
    }
    return 'stopped';
  };
}
