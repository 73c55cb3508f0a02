/**
 * The headless dashboard's bridge: contract requests over one WebSocket,
 * correlated by id, with pushed events fanned out to subscribers. When the
 * socket drops (the CLI restarted, the laptop slept) it reconnects with
 * exponential backoff; calls made while it is down wait for the next open
 * socket, and calls in flight when it dropped fail with `unavailable`. A
 * socket closed because its token was replaced is not retried: every attempt
 * would be refused.
 */
import type { EventName, EventPayloads, RequestName } from '@shared/contract';
import type { Reply } from '@shared/envelope';
import { serverMessageSchema, TOKEN_REPLACED_CLOSE_CODE, WS_PATH } from '@shared/wire';
import type { Bridge } from './bridge';

/** `token_replaced`: the server cut us because our token was rotated; we do not retry with it. */
export type SocketStatus = 'connecting' | 'open' | 'closed' | 'token_replaced';

export interface WebSocketBridgeOptions {
  url: string;
  /** The browser's WebSocket by default; tests pass the `ws` package's. */
  WebSocketImpl?: typeof WebSocket;
  onStatus?(status: SocketStatus): void;
  /** Called after every successful reconnect (not the first open): reload state. */
  onReconnect?(): void;
  initialRetryMs?: number;
  maxRetryMs?: number;
}

export interface WebSocketBridge extends Bridge {
  close(): void;
}

/** ws://host/ws?token=… for the page this script was served from. */
export function dashboardSocketUrl(location: Pick<Location, 'host' | 'search' | 'protocol'>): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${WS_PATH}?token=${encodeURIComponent(token)}`;
}

export function createWebSocketBridge(options: WebSocketBridgeOptions): WebSocketBridge {
  const Impl = options.WebSocketImpl ?? WebSocket;
  const initialRetryMs = options.initialRetryMs ?? 250;
  const maxRetryMs = options.maxRetryMs ?? 5_000;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const inFlight = new Map<number, (reply: Reply) => void>();
  /** Calls made while the socket is down: sent on the next open, failed if the bridge is closed first. */
  let waitingForOpen: { send(): void; fail(): void }[] = [];
  let nextId = 1;
  let socket: WebSocket | null = null;
  let retryMs = initialRetryMs;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let everOpened = false;
  let closedByUs = false;

  const connect = () => {
    options.onStatus?.('connecting');
    const ws = new Impl(options.url);
    socket = ws;
    ws.onopen = () => {
      retryMs = initialRetryMs;
      options.onStatus?.('open');
      const waiting = waitingForOpen;
      waitingForOpen = [];
      for (const call of waiting) call.send();
      if (everOpened) options.onReconnect?.();
      everOpened = true;
    };
    ws.onmessage = (event: MessageEvent) => onMessage(String(event.data));
    // An error is always followed by close, which does the retrying; without a
    // handler some WebSocket implementations throw it (closing while connecting).
    ws.onerror = () => {};
    ws.onclose = (event: CloseEvent) => {
      if (socket !== ws) return;
      socket = null;
      const tokenReplaced = event.code === TOKEN_REPLACED_CLOSE_CODE;
      const lost = tokenReplaced ? 'the dashboard token was replaced' : 'connection to Nightshift lost';
      for (const resolve of inFlight.values()) resolve({ error: { code: 'unavailable', message: lost } });
      inFlight.clear();
      if (tokenReplaced) {
        closedByUs = true;
        for (const call of waitingForOpen.splice(0)) call.fail();
        options.onStatus?.('token_replaced');
        return;
      }
      options.onStatus?.('closed');
      if (closedByUs) return;
      retryTimer = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, maxRetryMs);
    };
  };

  const onMessage = (text: string) => {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return;
    }
    const parsed = serverMessageSchema.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.type === 'event') {
      for (const listener of listeners.get(message.name) ?? []) listener(message.payload);
      return;
    }
    if (typeof message.id !== 'number') return;
    const resolve = inFlight.get(message.id);
    if (!resolve) return;
    inFlight.delete(message.id);
    resolve('result' in message ? { result: message.result } : { error: message.error });
  };

  connect();

  return {
    invoke(name: RequestName, args: unknown) {
      if (closedByUs) return Promise.resolve({ error: { code: 'unavailable', message: 'bridge closed' } }) as never;
      return new Promise<Reply>((resolve) => {
        const send = () => {
          const id = nextId++;
          inFlight.set(id, resolve);
          socket!.send(JSON.stringify({ type: 'request', id, name, args }));
        };
        if (socket?.readyState === Impl.OPEN) send();
        else waitingForOpen.push({ send, fail: () => resolve({ error: { code: 'unavailable', message: 'bridge closed' } }) });
      }) as never;
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => void set.delete(wrapped);
    },
    close() {
      closedByUs = true;
      if (retryTimer) clearTimeout(retryTimer);
      for (const call of waitingForOpen.splice(0)) call.fail();
      socket?.close();
    },
  };
}
