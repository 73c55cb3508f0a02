/**
 * Push over `GET /api/events` (SSE): kept open; every `event: task` wakes the
 * loop; a drop marks push unhealthy and reconnects after a jittered backoff
 * that never undercuts the server's `retry:`. A stream silent for longer than
 * `idleTimeoutMs` (no event, no keepalive) is treated as dead, since a proxy
 * may have dropped it without closing the socket.
 */
import { errorMessage, isConnectionRefused, SourceError } from '../../errors';
import type { ChannelContext, ChannelEnd } from './push-channel';
import { RECONNECT_BASE_MS, RECONNECT_CAP_MS } from './push-channel';
import { ReconnectBackoff } from './reconnect-backoff';
import { sleep } from './sleep';
import { SseParser } from './sse-parser';
import { taskEventSchema } from './wire-schemas';

export const EVENTS_PATH = '/api/events';

export function eventStreamChannel(idleTimeoutMs: number) {
  return async function runEventStream(ctx: ChannelContext): Promise<ChannelEnd> {
    const backoff = new ReconnectBackoff({
      baseMs: RECONNECT_BASE_MS,
      capMs: RECONNECT_CAP_MS,
      random: ctx.random,
      now: () => ctx.clock.now(),
    });
    while (!ctx.signal.aborted) {
      let retryAfterMs: number | undefined;
      let refused = false;
      try {
        const stream = await ctx.transport.openEventStream(EVENTS_PATH, ctx.signal);
        if (stream === null) return 'unsupported';
        backoff.reset();
        ctx.setHealthy(true);
        ctx.logger.log('info', ctx.scope, 'event stream connected');
        await consume(stream, ctx, idleTimeoutMs, (ms) => backoff.setBase(ms));
        if (!ctx.signal.aborted) ctx.logger.log('warn', ctx.scope, 'event stream ended by the server');
      } catch (err) {
        if (ctx.signal.aborted) break;
        ctx.setHealthy(false);
        if (err instanceof SourceError && err.kind === 'unauthorized') return 'unauthorized';
        if (err instanceof SourceError) retryAfterMs = err.retryAfterMs;
        refused = isConnectionRefused(err);
        if (backoff.worthLogging) ctx.logger.log('warn', ctx.scope, `event stream: ${errorMessage(err)}`);
      }
      if (ctx.signal.aborted) break;
      ctx.setHealthy(false);
      if (retryAfterMs !== undefined) await sleep(ctx.clock, retryAfterMs, ctx.signal);
      else if ((await ctx.retryPause(refused ? backoff.nextRefused() : backoff.next())) === 'server_back') backoff.reset();
    }
    return 'stopped';
  };
}

/** Reads the stream until it ends, errors, or stays silent for idleTimeoutMs. */
async function consume(
  stream: ReadableStream<Uint8Array>,
  ctx: ChannelContext,
  idleTimeoutMs: number,
  onRetry: (ms: number) => void,
): Promise<void> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  let idle = false;
  let cancelIdle = () => {};
  const armIdle = () => {
    cancelIdle();
    cancelIdle = ctx.clock.setTimer(() => {
      idle = true;
      void reader.cancel();
    }, idleTimeoutMs);
  };
  const onAbort = () => void reader.cancel();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    armIdle();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      armIdle();
      const { events, retryMs } = parser.feed(decoder.decode(value, { stream: true }));
      if (retryMs !== undefined) onRetry(retryMs);
      for (const event of events) {
        if (event.event !== 'task') continue;
        if (!taskEventSchema.safeParse(safeJson(event.data)).success) {
          ctx.logger.log('warn', ctx.scope, `event stream: ignoring malformed task event data ${event.data.slice(0, 200)}`);
        }
        // Even a garbled event says "something changed": a tick costs one listing.
        ctx.wake();
      }
    }
    if (idle) throw new SourceError('transient', `${EVENTS_PATH}: no data or keepalive for ${idleTimeoutMs} ms`);
  } finally {
    cancelIdle();
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
