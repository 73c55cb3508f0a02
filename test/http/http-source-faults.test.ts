/**
 * Every fault the fixture server can inject, against the real HTTP source:
 * each must surface as the right SourceError kind with a message naming what
 * went wrong, never as a crash or a hang.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../src-main/core/errors';
import { createHttpSource, type HttpSourceOptions, type HttpTaskSource } from '../../src-main/core/sources/http';
import { startTaskServer, type TaskServer } from '../fixtures/task-server/server';
import { fixedNowClock, httpConfig } from './helpers';

let server: TaskServer;
let source: HttpTaskSource;

afterEach(async () => {
  await source?.close();
  await server?.close();
});

async function setUp(options: Partial<HttpSourceOptions> = {}, requestTimeoutMs = 30_000) {
  server = await startTaskServer({ mode: 'plain' });
  source = createHttpSource(httpConfig(server.url, { requestTimeoutMs }), { daemon: 'faults', ...options });
}

async function errorOf(promise: Promise<unknown>): Promise<SourceError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SourceError);
  return err as SourceError;
}

describe('HTTP source faults', () => {
  it('429 with Retry-After in seconds → rate_limited with the exact delay', async () => {
    await setUp();
    server.setFaults('list', [{ kind: 'rate_limit', retryAfter: '17', times: 1 }]);
    const err = await errorOf(source.listClaimable());
    expect(err.kind).toBe('rate_limited');
    expect(err.retryAfterMs).toBe(17_000);
    // The fault was for one request only: the next listing works.
    server.addTask();
    expect(await source.listClaimable()).toHaveLength(1);
    expect(server.counts().list).toBe(2);
  });

  it('429 with Retry-After as an HTTP date → delay relative to the injected clock', async () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    await setUp({ clock: fixedNowClock(now) });
    server.setFaults('claim', [{ kind: 'rate_limit', retryAfter: 'Sun, 01 Mar 2026 12:01:30 GMT' }]);
    const err = await errorOf(source.claim('t1'));
    expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 90_000 });
    expect(err.message).toContain('POST /api/tasks/t1/claim');
  });

  it('429 without Retry-After → rate_limited with no delay given', async () => {
    await setUp();
    server.setFaults('list', [{ kind: 'rate_limit', retryAfter: '' }]);
    const err = await errorOf(source.listClaimable());
    expect(err.kind).toBe('rate_limited');
    expect(err.retryAfterMs).toBeUndefined();
  });

  it.each([500, 502, 503])('%i → transient naming the status', async (status) => {
    await setUp();
    server.setFaults('get', [{ kind: 'status', status }]);
    const err = await errorOf(source.get('t1'));
    expect(err.kind).toBe('transient');
    expect(err.message).toBe(`GET /api/tasks/t1: server error ${status}`);
  });

  it.each([401, 403])('%i → unauthorized', async (status) => {
    await setUp();
    server.setFaults('*', [{ kind: 'status', status }]);
    expect((await errorOf(source.listClaimable())).kind).toBe('unauthorized');
    expect((await errorOf(source.complete('t1', 'x'))).kind).toBe('unauthorized');
  });

  it('a slow answer within the timeout succeeds', async () => {
    await setUp({}, 2_000);
    server.addTask();
    server.setFaults('list', [{ kind: 'slow', ms: 150, times: 1 }]);
    expect(await source.listClaimable()).toHaveLength(1);
  });

  it('a hung request times out as transient after requestTimeoutMs', async () => {
    await setUp({}, 200);
    server.setFaults('list', [{ kind: 'hang', times: 1 }]);
    const started = Date.now();
    const err = await errorOf(source.listClaimable());
    expect(err.kind).toBe('transient');
    expect(err.message).toBe('GET /api/tasks?status=todo: timed out after 200 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await source.listClaimable()).toEqual([]);
  });

  it('a slow answer beyond the timeout is a timeout too', async () => {
    await setUp({}, 150);
    server.setFaults('notes', [{ kind: 'slow', ms: 1_000, times: 1 }]);
    expect((await errorOf(source.notes('t1'))).message).toContain('timed out after 150 ms');
  });

  it('a connection reset → transient', async () => {
    await setUp();
    server.setFaults('claim', [{ kind: 'reset', times: 1 }]);
    const err = await errorOf(source.claim('t1'));
    expect(err.kind).toBe('transient');
    expect(err.message).toMatch(/^POST \/api\/tasks\/t1\/claim: /);
  });

  it('malformed JSON → transient naming the parse failure', async () => {
    await setUp();
    server.setFaults('list', [{ kind: 'malformed', times: 1 }]);
    const err = await errorOf(source.listClaimable());
    expect(err.kind).toBe('transient');
    expect(err.message).toMatch(/^GET \/api\/tasks\?status=todo: response is not valid JSON \(/);
  });

  it('JSON of the wrong shape → transient naming the wrong fields', async () => {
    await setUp();
    server.setFaults('list', [{ kind: 'wrong_shape', times: 1 }]);
    const err = await errorOf(source.listClaimable());
    expect(err.kind).toBe('transient');
    expect(err.message).toContain('response to GET /api/tasks?status=todo is invalid');
    expect(err.message).toContain('[0].id');
    expect(err.message).toContain('[0].status');
  });

  it('an oversized body → transient naming the limit', async () => {
    await setUp({ maxBodyBytes: 64 * 1024 });
    server.setFaults('list', [{ kind: 'oversized', bytes: 256 * 1024, times: 1 }]);
    const err = await errorOf(source.listClaimable());
    expect(err.kind).toBe('transient');
    expect(err.message).toContain('exceeds the 65536-byte limit');
    // The connection pool survives: the next request works.
    expect(await source.listClaimable()).toEqual([]);
  });

  it('faults for the next N requests then normal service, counted per endpoint', async () => {
    await setUp();
    server.setFaults('list', [
      { kind: 'status', status: 503, times: 2 },
      { kind: 'rate_limit', retryAfter: '1', times: 1 },
    ]);
    const kinds: string[] = [];
    for (let i = 0; i < 4; i++) {
      kinds.push(
        await source.listClaimable().then(
          () => 'ok',
          (e: SourceError) => e.kind,
        ),
      );
    }
    expect(kinds).toEqual(['transient', 'transient', 'rate_limited', 'ok']);
    expect(server.counts().list).toBe(4);
    expect(source.requestCount()).toBe(4);
  });

  it('a server that is not there → transient', async () => {
    await setUp();
    await server.close();
    const err = await errorOf(source.listClaimable());
    expect(err.kind).toBe('transient');
  });
});
