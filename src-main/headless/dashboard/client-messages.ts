/**
 * One WebSocket client's requests: parse, validate the envelope, dispatch
 * through the contract, reply. A bad message costs the sender an error reply
 * (or the connection, when it is not even JSON); it never reaches the core
 * unvalidated and never throws into the server.
 */

import type { Reply } from '@shared/envelope';
import { messageIdSchema, type ReplyMessage, requestMessageSchema } from '@shared/wire';
import { formatIssues } from '@shared/zod-issues';
import type { WebSocket } from 'ws';
import type { NightshiftCore } from '../../api/core-api';
import { type DispatchOptions, dispatchRequest } from '../../api/dispatch';

/** Requests one client may have running at once; more are refused rather than queued without bound. */
export const MAX_IN_FLIGHT = 64;

/** WebSocket close code "policy violation". */
export const CLOSE_POLICY = 1008;

/**
 * Replies a client has not read yet, in bytes, before it is closed. A client
 * that keeps asking without reading would otherwise make the server buffer
 * every reply in memory (one 1 MB task in a list, asked for in a loop, took a
 * runner to 4 GB). Its requests are not even dispatched while it is behind.
 */
export const MAX_UNREAD_REPLY_BYTES = 8 * 1024 * 1024;

export function attachClientMessages(ws: WebSocket, core: NightshiftCore, options: DispatchOptions = {}): void {
  let inFlight = 0;

  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      ws.close(CLOSE_POLICY, 'binary messages are not accepted');
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString());
    } catch {
      ws.close(CLOSE_POLICY, 'message is not JSON');
      return;
    }
    const parsed = requestMessageSchema.safeParse(raw);
    if (!parsed.success) {
      send(
        ws,
        replyFor(recoverId(raw), {
          error: { code: 'bad_request', message: formatIssues('message', parsed.error.issues) },
        }),
      );
      return;
    }
    const { id, name, args } = parsed.data;
    if (closeIfBehind(ws)) return;
    if (inFlight >= MAX_IN_FLIGHT) {
      send(ws, replyFor(id, { error: { code: 'unavailable', message: `more than ${MAX_IN_FLIGHT} requests in flight` } }));
      return;
    }
    inFlight++;
    void dispatchRequest(core.handlers, name, args, options).then((reply) => {
      inFlight--;
      send(ws, replyFor(id, reply));
    });
  });
}

/** Keeps the id of a malformed request when it has a usable one, so the client can fail that call. */
function recoverId(raw: unknown): ReplyMessage['id'] {
  if (raw && typeof raw === 'object' && 'id' in raw) {
    const id = messageIdSchema.safeParse((raw as { id: unknown }).id);
    if (id.success) return id.data;
  }
  return null;
}

function replyFor(id: ReplyMessage['id'], reply: Reply): ReplyMessage {
  return 'result' in reply ? { type: 'reply', id, result: reply.result } : { type: 'reply', id, error: reply.error };
}

function send(ws: WebSocket, message: ReplyMessage): void {
  if (ws.readyState !== ws.OPEN) return;
  ws.send(JSON.stringify(message));
  closeIfBehind(ws);
}

/** Closes (1008) a client whose unread replies passed the bound; true when it did. */
function closeIfBehind(ws: WebSocket): boolean {
  if (ws.readyState !== ws.OPEN) return true;
  if (ws.bufferedAmount <= MAX_UNREAD_REPLY_BYTES) return false;
  ws.close(CLOSE_POLICY, 'not reading its replies');
  // close() waits for the buffered data to flush, which a client that does not read never lets happen.
  setTimeout(() => ws.terminate(), 1_000).unref();
  return true;
}
