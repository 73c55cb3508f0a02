/**
 * The headless dashboard: the built renderer over HTTP plus a WebSocket that
 * speaks the same contract as Electron IPC, on 127.0.0.1 only, behind a
 * token. `nightshift run --dashboard` starts it and prints `url`; the token
 * can be replaced while it runs (`setToken`, on `nightshift dashboard
 * --new-token`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { CONTENT_SECURITY_POLICY } from '@shared/csp';
import { MAX_CLIENT_MESSAGE_BYTES, TOKEN_REPLACED_CLOSE_CODE, WS_PATH } from '@shared/wire';
import { WebSocketServer } from 'ws';
import type { NightshiftCore } from '../../api/core-api';
import { sendText, serveStaticFile } from '../../api/static-files';
import type { Clock } from '../../core/clock';
import { systemClock } from '../../core/clock';
import { errorMessage } from '../../core/errors';
import { type Logger, silentLogger } from '../../core/log';
import { checkToken, generateToken, isAllowedHost, isAllowedOrigin, tokenCookie } from './auth';
import { attachClientMessages } from './client-messages';
import { createEventFanout } from './event-fanout';

export interface DashboardServerOptions {
  core: NightshiftCore;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Defaults to a fresh random token; pass one only in tests. */
  token?: string;
  logger?: Logger;
  /** At most one snapshot event per this many ms per server (default 100). */
  snapshotThrottleMs?: number;
  /** Times the snapshot throttle; the system clock by default. */
  clock?: Clock;
}

export interface DashboardServer {
  /** http://127.0.0.1:<port>/?token=<token> — what the CLI prints (the current token). */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /**
   * Accepts only `next` from now on: the old token is refused on every HTTP
   * request (query or cookie) and WebSocket upgrade, and every open WebSocket
   * (all of them came in with the old token) is closed with
   * {@link TOKEN_REPLACED_CLOSE_CODE}. Returns how many were closed.
   */
  setToken(next: string): number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const SCOPE = 'dashboard';

export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const { core, rendererDir } = options;
  let token = options.token ?? generateToken();
  const logger = options.logger ?? silentLogger;
  let port = 0;

  const handleHttp = async (req: IncomingMessage, res: ServerResponse) => {
    if (!isAllowedHost(req.headers.host, port)) return sendText(res, 403, 'forbidden host');
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    const auth = checkToken(req, url, token);
    if (auth === 'missing') return sendText(res, 401, 'unauthorized: open the URL printed by `nightshift run --dashboard`');
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed');
    // The same policy the Electron shell applies; as a header it can also forbid framing.
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    if (auth === 'query') res.setHeader('Set-Cookie', tokenCookie(token));
    await serveStaticFile(res, rendererDir, url.pathname, req.method === 'HEAD');
  };

  const server = createServer((req, res) => {
    handleHttp(req, res).catch((err) => {
      logger.log('error', SCOPE, `request ${req.url}: ${errorMessage(err)}`);
      sendText(res, 500, 'internal error');
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  const fanout = createEventFanout(core, options.snapshotThrottleMs ?? 100, options.clock ?? systemClock);
  const dispatchOptions = {
    onInternalError: (name: string, err: unknown) => logger.log('error', SCOPE, `${name}: ${errorMessage(err)}`),
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    const refusal =
      url.pathname !== WS_PATH
        ? '404 Not Found'
        : checkToken(req, url, token) === 'missing'
          ? '401 Unauthorized'
          : !isAllowedOrigin(req.headers.origin, port) || !isAllowedHost(req.headers.host, port)
            ? '403 Forbidden'
            : null;
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', (err) => logger.log('warn', SCOPE, `client: ${errorMessage(err)}`));
      attachClientMessages(ws, core, dispatchOptions);
      fanout.add(ws);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  logger.log('info', SCOPE, `listening on http://${HOST}:${port}/`);

  let closing: Promise<void> | null = null;
  return {
    get url() {
      return `http://${HOST}:${port}/?token=${token}`;
    },
    port,
    get token() {
      return token;
    },
    setToken(next) {
      if (next === token) return 0;
      token = next;
      const clients = [...wss.clients];
      for (const ws of clients) {
        // Not OPEN from here on, so nothing more of it is dispatched (client-messages.ts); cut it if it never answers the close.
        ws.close(TOKEN_REPLACED_CLOSE_CODE, 'dashboard token replaced');
        setTimeout(() => ws.terminate(), 1_000).unref();
      }
      return clients.length;
    },
    close() {
      closing ??= (async () => {
        fanout.stop();
        // Ask politely, then cut whoever has not finished the close handshake: upgraded
        // sockets keep server.close() waiting forever.
        const clients = [...wss.clients];
        for (const ws of clients) ws.close(1001, 'server shutting down');
        await Promise.race([
          Promise.all(clients.map((ws) => new Promise((resolve) => ws.once('close', resolve)))),
          new Promise((resolve) => setTimeout(resolve, 500).unref()),
        ]);
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}
