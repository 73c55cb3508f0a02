/**
 * The control socket of a running instance (`nightshift run` or the tray app):
 * CLI commands connect to it to reach the live core. The single-instance lock
 * is the data dir's instance lock (core/store/instance-lock.ts), taken before
 * this is bound; the socket itself only refuses to steal a path that answers.
 *
 * Every connection must first send `{"auth":"<secret>"}` (control.secret, see
 * secret.ts) as its first line, within AUTH_TIMEOUT_MS and AUTH_MAX_BYTES; a
 * client that does not is answered with one error line and dropped, and no
 * request of it is ever parsed.
 */
import { chmod, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { Reply } from '@shared/envelope';
import { formatIssues } from '@shared/zod-issues';
import { errorMessage } from '../../core/errors';
import { LineReader, MAX_LINE_BYTES, type ReplyEnvelope, requestEnvelopeSchema } from './protocol';
import { secretMatches } from './secret';

/** Longest accepted first (auth) line: the secret is 43 characters. */
export const AUTH_MAX_BYTES = 256;
export const AUTH_TIMEOUT_MS = 5_000;

/** Another process is serving this data dir's control socket. */
export class InstanceRunningError extends Error {
  override readonly name = 'InstanceRunningError';
}

export type Dispatch = (name: unknown, args: unknown) => Promise<Reply>;

export interface ControlServerOptions {
  socketPath: string;
  /** What a client must present first (control.secret). */
  secret: string;
  dispatch: Dispatch;
  authTimeoutMs?: number;
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
    authenticate(socket, options);
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

/**
 * Reads the first line (at most AUTH_MAX_BYTES) and checks it against the
 * secret before anything else of the peer's is looked at; bytes after it are
 * the first requests.
 */
function authenticate(socket: Socket, options: ControlServerOptions): void {
  let head = Buffer.alloc(0);
  const refuse = (message: string) => {
    socket.off('data', onData);
    clearTimeout(timer);
    // One line so an honest client without the secret learns why; then the connection is gone.
    socket.end(`${JSON.stringify({ id: null, error: { code: 'unauthorized', message } })}\n`);
    socket.destroySoon();
  };
  const timer = setTimeout(() => refuse('no credentials sent'), options.authTimeoutMs ?? AUTH_TIMEOUT_MS);
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const nl = head.indexOf(0x0a);
    if (nl < 0) {
      if (head.length > AUTH_MAX_BYTES) refuse('first line is not credentials');
      return;
    }
    if (nl > AUTH_MAX_BYTES || !secretMatches(presentedSecret(head.subarray(0, nl)), options.secret)) {
      refuse('wrong or missing control secret (read it from control.secret in the data dir)');
      return;
    }
    socket.off('data', onData);
    clearTimeout(timer);
    const rest = head.subarray(nl + 1);
    serveConnection(socket, options, rest);
  };
  socket.on('data', onData);
  socket.on('close', () => clearTimeout(timer));
  socket.on('error', () => socket.destroy());
}

function presentedSecret(line: Buffer): string {
  try {
    const parsed: unknown = JSON.parse(line.toString('utf8'));
    if (parsed && typeof parsed === 'object' && 'auth' in parsed && typeof parsed.auth === 'string') return parsed.auth;
  } catch {
    // not JSON: not credentials
  }
  return '';
}

function serveConnection(socket: Socket, options: ControlServerOptions, firstBytes: Buffer): void {
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
  if (firstBytes.length > 0) reader.push(firstBytes);
  socket.on('data', (chunk: Buffer) => reader.push(chunk));
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
