/**
 * One HTTP exchange with a task server, classified once (errors.ts): the
 * bearer token, a timeout on every request, a cap on the body size, and the
 * mapping 401/403 → unauthorized, 429 → rate_limited (Retry-After), 5xx /
 * timeouts / resets / unreadable bodies → transient. Callers see only the
 * statuses the protocol gives a meaning (2xx, 304, 404, 409).
 */

import type { Clock } from '../../clock';
import { errorMessage, SourceError } from '../../errors';
import type { TokenReader } from './bearer-token';
import { parseRetryAfter } from './retry-after';

export interface HttpTransportOptions {
  baseUrl: string;
  /** Read at each request (it may come from the environment or the keychain); throws when it is missing. */
  token: TokenReader;
  timeoutMs: number;
  /** Larger bodies are refused: a task list is small, a runaway server must not fill our memory. */
  maxBodyBytes: number;
  clock: Clock;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Overrides the configured timeout (a long poll is held longer on purpose). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** A push channel's own request: its success says nothing new to the push channels. */
  push?: boolean;
}

export interface JsonReply {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body (e.g. 304). */
  body: unknown;
}

export class HttpTransport {
  private count = 0;
  private readonly baseUrl: string;
  private readonly answeredListeners = new Set<() => void>();

  constructor(private readonly options: HttpTransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /**
   * Called after each request (not a push channel's own) that the server
   * answered with anything but an error: the server is up, so push channels
   * waiting out a reconnect backoff should try again now.
   */
  onServerAnswered(listener: () => void): () => void {
    this.answeredListeners.add(listener);
    return () => this.answeredListeners.delete(listener);
  }

  /** Every HTTP request started, including event-stream connects and long polls. */
  get requestCount(): number {
    return this.count;
  }

  async request(method: 'GET' | 'POST', path: string, options: RequestOptions = {}): Promise<JsonReply> {
    const what = `${method} ${path}`;
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const headers: Record<string, string> = { Accept: 'application/json', ...this.authHeader(), ...options.headers };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    this.count += 1;
    try {
      const response = await fetch(this.baseUrl + path, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal,
      });
      this.throwForStatus(response, what);
      const text = await readLimited(response, this.options.maxBodyBytes, what);
      const reply = { status: response.status, headers: response.headers, body: parseJson(text, what) };
      if (!options.push) for (const listener of this.answeredListeners) listener();
      return reply;
    } catch (err) {
      throw this.classify(err, what, timeout, timeoutMs, options.signal);
    }
  }

  /**
   * Opens `GET path` as an event stream. Null when the server has none (404,
   * 405, 501, or an answer that is not `text/event-stream`). Only connecting is
   * timed; the open stream is ended through `signal`.
   */
  async openEventStream(path: string, signal: AbortSignal): Promise<ReadableStream<Uint8Array> | null> {
    const what = `GET ${path}`;
    const connect = new AbortController();
    const timer = setTimeout(() => connect.abort(new Error('connect timeout')), this.options.timeoutMs);
    this.count += 1;
    try {
      const response = await fetch(this.baseUrl + path, {
        headers: { Accept: 'text/event-stream', 'Cache-Control': 'no-cache', ...this.authHeader() },
        signal: AbortSignal.any([signal, connect.signal]),
      });
      this.throwForStatus(response, what);
      const type = response.headers.get('content-type') ?? '';
      if (response.status !== 200 || !type.startsWith('text/event-stream') || !response.body) {
        await response.body?.cancel();
        if ([404, 405, 501].includes(response.status) || response.ok) return null;
        throw new SourceError('transient', `${what}: unexpected status ${response.status}`);
      }
      return response.body;
    } catch (err) {
      throw this.classify(err, what, connect.signal, this.options.timeoutMs, signal);
    } finally {
      clearTimeout(timer);
    }
  }

  private authHeader(): Record<string, string> {
    const token = this.options.token();
    return token ? { Authorization: `Bearer ${token}` } : {};
  }

  private throwForStatus(response: Response, what: string): void {
    const { status } = response;
    if (status === 401 || status === 403) {
      void response.body?.cancel();
      throw new SourceError('unauthorized', `${what}: ${status} ${status === 401 ? 'unauthorized' : 'forbidden'}`);
    }
    if (status === 429) {
      void response.body?.cancel();
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.options.clock.now());
      const hint = retryAfterMs === undefined ? '' : `, retry after ${retryAfterMs} ms`;
      throw new SourceError('rate_limited', `${what}: 429 too many requests${hint}`, retryAfterMs);
    }
    if (status >= 500) {
      void response.body?.cancel();
      throw new SourceError('transient', `${what}: server error ${status}`);
    }
  }

  /** Turns whatever fetch threw into a SourceError; a caller's own abort passes through untouched. */
  private classify(err: unknown, what: string, timeout: AbortSignal, timeoutMs: number, caller?: AbortSignal): unknown {
    if (err instanceof SourceError) return err;
    if (caller?.aborted) return err;
    if (timeout.aborted)
      return new SourceError('transient', `${what}: timed out after ${timeoutMs} ms`, undefined, { cause: err });
    return new SourceError('transient', `${what}: ${errorMessage(err)}`, undefined, { cause: err });
  }
}

/** Reads the body as text, refusing it once it grows past `limit` bytes. */
async function readLimited(response: Response, limit: number, what: string): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > limit) {
    await response.body?.cancel();
    throw new SourceError('transient', `${what}: response body of ${declared} bytes exceeds the ${limit}-byte limit`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new SourceError('transient', `${what}: response body exceeds the ${limit}-byte limit`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string, what: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SourceError('transient', `${what}: response is not valid JSON (${errorMessage(err)})`);
  }
}
