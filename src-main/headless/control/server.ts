/**
 * The control socket of a running `nightshift run`: CLI commands connect to
 * it to reach the live core. Binding it is also the single-instance lock — a
 * second `run` on the same data dir finds it answering and refuses to start.
 */
import { chmod, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { Reply } from '../../api/dispatch';
import { formatIssues } from '../../core/config';
import { errorMessage } from '../../core/errors';
import { LineReader, MAX_LINE_BYTES, type ReplyEnvelope, requestEnvelopeSchema } from './protocol';

/** Another process is serving this data dir's control socket. */
export class InstanceRunningError extends Error {
  override readonly name = 'InstanceRunningError';
}

export type Dispatch = (name: unknown, args: unknown) => Promise<Reply>;

export interface ControlServerOptions {
  socketPath: string;
  dispatch: Dispatch;
  maxLineBytes?: number;
  onError?(message: string): void;
}

export interface ControlServer {
  readonly socketPath: string;
  close(): Promise<void>;
}

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const connections = new Set<Socket>();
  const server = createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    serveConnection(socket, options);
  });
  await listenExclusively(server, options.socketPath);
  // The data dir is already 0700; this also keeps the socket private if it is not.
  if (process.platform !== 'win32') await chmod(options.socketPath, 0o600);
  return {
    socketPath: options.socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of connections) socket.destroy();
        // Closing a unix socket server unlinks its file.
        server.close(() => resolve());
      }),
  };
}

/**
 * listen(); when the path is taken, find out whether someone answers there.
 * A live answer means another instance; silence means a stale socket file
 * left by a crash, which is removed before trying once more.
 */
async function listenExclusively(server: Server, socketPath: string): Promise<void> {
  try {
    await listen(server, socketPath);
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
  }
  if (await isAnswering(socketPath)) {
    throw new InstanceRunningError(
      `another nightshift instance is already running on this data dir (control socket ${socketPath})`,
    );
  }
  if (process.platform !== 'win32') await unlink(socketPath).catch(() => {});
  await listen(server, socketPath);
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(path, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export function isAnswering(socketPath: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(socketPath);
    const timer = setTimeout(() => finish(false), timeoutMs);
    function finish(answer: boolean) {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    }
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

function serveConnection(socket: Socket, options: ControlServerOptions): void {
  const send = (reply: ReplyEnvelope) => {
    if (!socket.destroyed) socket.write(`${JSON.stringify(reply)}\n`);
  };
  const reader = new LineReader(
    (line) => {
      void handleLine(line, options.dispatch).then(send, (err) => {
        options.onError?.(`control socket: ${errorMessage(err)}`);
      });
    },
    () =>
      send({
        id: null,
        error: { code: 'bad_request', message: `line longer than ${options.maxLineBytes ?? MAX_LINE_BYTES} bytes` },
      }),
    options.maxLineBytes,
  );
  socket.on('data', (chunk: Buffer) => reader.push(chunk));
  // A client that goes away mid-request is normal; nothing to report.
  socket.on('error', () => socket.destroy());
}

/** One line in, one reply out; never throws for anything the peer sent. */
export async function handleLine(line: string, dispatch: Dispatch): Promise<ReplyEnvelope> {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (err) {
    return { id: null, error: { code: 'bad_request', message: `not valid JSON: ${errorMessage(err)}` } };
  }
  const envelope = requestEnvelopeSchema.safeParse(raw);
  if (!envelope.success) {
    const id = recoverId(raw);
    return { id, error: { code: 'bad_request', message: formatIssues('request', envelope.error.issues) } };
  }
  const reply = await dispatch(envelope.data.name, envelope.data.args);
  return { id: envelope.data.id, ...reply };
}

/** Echo the caller's id even on a bad envelope, when it is usable, so the client can match the error. */
function recoverId(raw: unknown): string | number | null {
  if (raw && typeof raw === 'object' && 'id' in raw) {
    const id = (raw as { id: unknown }).id;
    if ((typeof id === 'string' && id.length > 0 && id.length <= 100) || Number.isSafeInteger(id)) return id as string | number;
  }
  return null;
}
