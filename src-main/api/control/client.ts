/**
 * The CLI side of the control socket: one connection, requests matched to
 * replies by id, wrapped as the contract's typed ApiClient.
 */
import { createConnection, type Socket } from 'node:net';
import { type ApiClient, createApiClient } from '@shared/api-client';
import type { RequestName } from '@shared/contract';
import type { Reply } from '@shared/envelope';
import { errorMessage } from '../../core/errors';
import { authLine, LineReader } from './framing';
import { readReplyLine } from './reply-line';

export interface ControlConnection {
  readonly api: ApiClient;
  request(name: RequestName, args: unknown): Promise<Reply>;
  close(): void;
}

/**
 * Connects to a running instance and presents `secret` (its control.secret)
 * first; resolves null when nothing listens there (no socket file, or a stale
 * one from a crashed run). A wrong secret shows up as every request failing
 * with the server's "unauthorized" message.
 */
export function connectControl(socketPath: string, secret: string, timeoutMs = 5000): Promise<ControlConnection | null> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`control socket ${socketPath} did not accept a connection within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.write(authLine(secret));
      resolve(wrap(socket));
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') resolve(null);
      else reject(new Error(`cannot connect to control socket ${socketPath}: ${err.message}`));
    });
  });
}

function wrap(socket: Socket): ControlConnection {
  let nextId = 1;
  const pending = new Map<number, (reply: Reply) => void>();
  /** Set once the server refused our credentials: later requests fail with its reason, not "closed". */
  let refused: string | null = null;
  const failAll = (message: string) => {
    for (const settle of pending.values()) settle({ error: { code: 'unavailable', message } });
    pending.clear();
  };
  const reader = new LineReader(
    (line) => {
      let parsed: ReturnType<typeof readReplyLine>;
      try {
        parsed = readReplyLine(JSON.parse(line));
      } catch (err) {
        failAll(`malformed reply from the running instance: ${errorMessage(err)}`);
        return;
      }
      if (parsed.kind === 'refusal') {
        refused = `the running instance refused this client: ${parsed.message}`;
        failAll(refused);
        return;
      }
      if (parsed.kind === 'malformed' || typeof parsed.id !== 'number') {
        failAll('malformed reply from the running instance');
        return;
      }
      pending.get(parsed.id)?.(parsed.reply);
      pending.delete(parsed.id);
    },
    () => failAll('reply from the running instance is too long'),
  );
  socket.on('data', (chunk: Buffer) => reader.push(chunk));
  socket.on('error', (err) => failAll(`control socket error: ${err.message}`));
  socket.on('close', () => failAll(refused ?? 'the running instance closed the connection'));

  const request = (name: RequestName, args: unknown): Promise<Reply> =>
    new Promise((resolve) => {
      if (refused || socket.destroyed) {
        resolve({ error: { code: 'unavailable', message: refused ?? 'the running instance closed the connection' } });
        return;
      }
      const id = nextId++;
      pending.set(id, resolve);
      socket.write(`${JSON.stringify({ id, name, args })}\n`);
    });
  return {
    api: createApiClient(request),
    request,
    close: () => socket.end(),
  };
}
