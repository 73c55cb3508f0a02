/**
 * The HTTP task source (docs/sources.md, "The HTTP protocol"): every endpoint of
 * the table over one classified transport, a conditional listing (ETag), and
 * push wake through an event stream or a long poll when the server has one.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Task } from '@shared/task';
import type { Clock } from '../../clock';
import { systemClock } from '../../clock';
import type { SourceConfig } from '../../config';
import { SourceError } from '../../errors';
import { type Logger, silentLogger } from '../../log';
import { noSecrets, type SecretStore } from '../../secret-port';
import type { ClaimResult, TaskNote, TaskSource } from '../port';
import { bearerTokenReader } from './bearer-token';
import { eventStreamChannel } from './event-stream-channel';
import { HttpTransport } from './http-transport';
import { longPollChannel } from './long-poll-channel';
import { PushWatcher } from './push-watcher';
import { TaskLeases } from './task-leases';
import { heartbeatSchema, noteListSchema, parseWire, taskListSchema, taskSchema, toNotes, toTask } from './wire-schemas';

export type HttpSourceConfig = Extract<SourceConfig, { kind: 'http' }>;

export interface HttpSourceOptions {
  daemon: string;
  clock?: Clock;
  logger?: Logger;
  /** Jitter source in [0, 1); injected for deterministic tests. */
  random?: () => number;
  /** Largest response body accepted (default 4 MiB). */
  maxBodyBytes?: number;
  /** An event stream silent this long (no event, no keepalive) counts as dropped (default 90 s). */
  eventStreamIdleMs?: number;
  /** Where `tokenEnv` is looked up (default process.env). */
  env?: Record<string, string | undefined>;
  /** Where `tokenSecret` is looked up (the tray app's keychain). */
  secrets?: SecretStore;
}

/** Sent with complete/fail/release; pass the same key when retrying one outcome report. */
export interface ReportOptions {
  idempotencyKey?: string;
}

export interface HttpTaskSource extends TaskSource {
  readonly kind: HttpSourceConfig['kind'];
  readonly reconcileIntervalMs: number;
  complete(id: string, summary: string, options?: ReportOptions): Promise<void>;
  fail(id: string, error: string, options?: ReportOptions): Promise<void>;
  release(id: string, options?: ReportOptions): Promise<void>;
  /** Renews the lease of a task whose claim came with `leaseMs`; no request for one without. */
  heartbeat(id: string): Promise<boolean>;
  readonly heartbeatIntervalMs: number;
  watch(onChange: () => void): () => void;
  pushHealthy(): boolean;
  /** The push channel in use ('sse' | 'longpoll'), or null while polling only. */
  pushChannel(): string | null;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Six missed 15 s keepalives (the usual proxy-friendly interval) means the stream is dead. */
const DEFAULT_EVENT_STREAM_IDLE_MS = 90_000;
const TODO_PATH = '/api/tasks?status=todo';

export function createHttpSource(config: HttpSourceConfig, options: HttpSourceOptions): HttpTaskSource {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const random = options.random ?? Math.random;
  const scope = `source[${options.daemon}]`;
  const worker = config.worker ?? `${hostname()}/${options.daemon}`;
  const transport = new HttpTransport({
    baseUrl: config.url,
    token: bearerTokenReader(config, { env: options.env ?? process.env, secrets: options.secrets ?? noSecrets }),
    timeoutMs: config.requestTimeoutMs,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    clock,
  });
  const watchers = new Set<PushWatcher>();
  /** Watchers told to stop whose sockets may still be closing; close() waits for them. */
  const stopping = new Set<Promise<void>>();
  let cachedTodo: { etag: string; tasks: Task[] } | null = null;
  const leases = new TaskLeases();

  const taskPath = (id: string, action?: string) => `/api/tasks/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;

  function unexpected(what: string, status: number): SourceError {
    return new SourceError('transient', `${what}: unexpected status ${status}`);
  }

  async function report(id: string, action: 'complete' | 'fail' | 'release', body: unknown, opts?: ReportOptions) {
    const path = taskPath(id, action);
    const headers = { 'Idempotency-Key': opts?.idempotencyKey ?? randomUUID() };
    const reply = await transport.request('POST', path, { body, headers });
    leases.drop(id);
    // A task deleted meanwhile needs no report: the outcome has nowhere to go.
    if (reply.status === 404) {
      logger.log('info', scope, `${action} ${id}: task is gone`);
      return;
    }
    if (reply.status < 200 || reply.status >= 300) throw unexpected(`POST ${path}`, reply.status);
  }

  function channels() {
    return config.push.map((name) =>
      name === 'sse'
        ? { name, run: eventStreamChannel(options.eventStreamIdleMs ?? DEFAULT_EVENT_STREAM_IDLE_MS) }
        : { name, run: longPollChannel(config.longPollWaitS, config.requestTimeoutMs) },
    );
  }

  return {
    kind: config.kind,
    reconcileIntervalMs: config.reconcileIntervalMs,

    async listClaimable() {
      const headers: Record<string, string> = cachedTodo ? { 'If-None-Match': cachedTodo.etag } : {};
      const reply = await transport.request('GET', TODO_PATH, { headers });
      if (reply.status === 304 && cachedTodo) return cachedTodo.tasks.map((t) => ({ ...t }));
      if (reply.status !== 200) throw unexpected(`GET ${TODO_PATH}`, reply.status);
      // Filter too: a server that ignores ?status must not make us claim what is not todo.
      const tasks = parseWire(taskListSchema, reply.body, `GET ${TODO_PATH}`)
        .map(toTask)
        .filter((t) => t.status === 'todo');
      const etag = reply.headers.get('etag');
      cachedTodo = etag ? { etag, tasks } : null;
      return tasks.map((t) => ({ ...t }));
    },

    async claim(id): Promise<ClaimResult> {
      const path = taskPath(id, 'claim');
      const reply = await transport.request('POST', path, { body: { worker } });
      if (reply.status === 409) return { ok: false, reason: 'already_claimed' };
      if (reply.status === 404) return { ok: false, reason: 'gone' };
      if (reply.status !== 200) throw unexpected(`POST ${path}`, reply.status);
      const wire = parseWire(taskSchema, reply.body, `POST ${path}`);
      leases.granted(id, wire.leaseMs);
      return { ok: true, task: toTask(wire) };
    },

    async get(id) {
      const path = taskPath(id);
      const reply = await transport.request('GET', path);
      if (reply.status === 404) return null;
      if (reply.status !== 200) throw unexpected(`GET ${path}`, reply.status);
      const wire = parseWire(taskSchema, reply.body, `GET ${path}`);
      // After a restart the lease we hold is learnt from the task itself.
      if (wire.status === 'in_progress') leases.granted(id, wire.leaseMs);
      return toTask(wire);
    },

    async heartbeat(id) {
      if (!leases.has(id)) return true;
      const path = taskPath(id, 'heartbeat');
      const reply = await transport.request('POST', path, { body: { worker } });
      if (reply.status === 409 || reply.status === 404) {
        leases.drop(id);
        return false;
      }
      if (reply.status !== 200) throw unexpected(`POST ${path}`, reply.status);
      leases.granted(id, parseWire(heartbeatSchema, reply.body, `POST ${path}`)?.leaseMs ?? leases.lengthOf(id));
      return true;
    },

    get heartbeatIntervalMs() {
      return leases.renewEveryMs();
    },

    complete: (id, summary, opts) => report(id, 'complete', { summary }, opts),
    fail: (id, error, opts) => report(id, 'fail', { error }, opts),
    release: (id, opts) => report(id, 'release', undefined, opts),

    async notes(id): Promise<TaskNote[]> {
      const path = taskPath(id, 'notes');
      const reply = await transport.request('GET', path);
      if (reply.status === 404) return [];
      if (reply.status !== 200) throw unexpected(`GET ${path}`, reply.status);
      return toNotes(parseWire(noteListSchema, reply.body, `GET ${path}`));
    },

    watch(onChange) {
      const watcher = new PushWatcher({ channels: channels(), transport, clock, random, logger, scope, onChange });
      watchers.add(watcher);
      return () => {
        watcher.stop();
        watchers.delete(watcher);
        stopping.add(watcher.done);
        void watcher.done.then(() => stopping.delete(watcher.done));
      };
    },

    pushHealthy: () => [...watchers].some((w) => w.isHealthy()),
    // Only the event stream carries status changes; a long poll answers for claimable tasks alone.
    pushesStatusChanges: () => [...watchers].some((w) => w.isHealthy() && w.channel() === 'sse'),
    pushChannel: () => [...watchers].find((w) => w.channel() !== null)?.channel() ?? null,
    requestCount: () => transport.requestCount,

    async close() {
      for (const w of watchers) {
        w.stop();
        stopping.add(w.done);
      }
      watchers.clear();
      await Promise.all([...stopping]);
    },
  };
}
