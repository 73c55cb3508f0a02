/**
 * The HTTP source against the fixture server over real loopback sockets:
 * every endpoint of the protocol table, the bearer token, the conditional
 * listing, and idempotent outcome reports.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../src-main/core/errors';
import { createHttpSource, type HttpTaskSource } from '../../src-main/core/sources/http';
import { startTaskServer, type TaskServer } from '../fixtures/task-server/server';
import { httpConfig } from './helpers';

let server: TaskServer;
let source: HttpTaskSource;

afterEach(async () => {
  await source?.close();
  await server?.close();
});

async function setUp(serverOptions: Parameters<typeof startTaskServer>[0] = {}, token?: string) {
  server = await startTaskServer(serverOptions);
  source = createHttpSource(httpConfig(server.url, { token, worker: 'laptop/test' }), { daemon: 'test' });
}

describe('HTTP source endpoints', () => {
  it('lists todo tasks, claims one, reads it, completes it', async () => {
    await setUp({ mode: 'plain' });
    const a = server.addTask({ title: 'first', prompt: 'do A', runtime: 'claude', repository: 'git@x:y.git' });
    const b = server.addTask({ title: 'second' });
    server.addTask({ title: 'old', status: 'done' });

    const listed = await source.listClaimable();
    expect(listed.map((t) => t.id)).toEqual([a.id, b.id]);
    expect(listed[0]).toMatchObject({
      title: 'first',
      prompt: 'do A',
      runtime: 'claude',
      repository: 'git@x:y.git',
      status: 'todo',
    });

    const claimed = await source.claim(a.id);
    expect(claimed).toMatchObject({ ok: true, task: { id: a.id, status: 'in_progress' } });
    expect(server.claimedBy(a.id)).toBe('laptop/test');
    expect(await source.get(a.id)).toMatchObject({ id: a.id, status: 'in_progress' });

    await source.complete(a.id, 'all green');
    expect(server.getTask(a.id)?.status).toBe('done');
    expect(server.requests().at(-1)?.body).toEqual({ summary: 'all green' });
    expect(server.counts()).toMatchObject({ list: 1, claim: 1, get: 1, complete: 1 });
    expect(source.requestCount()).toBe(4);
  });

  it('a lost claim race is an outcome, not an error: 409 → already_claimed, 404 → gone', async () => {
    await setUp();
    const t = server.addTask();
    server.setStatus(t.id, 'in_progress');
    expect(await source.claim(t.id)).toEqual({ ok: false, reason: 'already_claimed' });
    expect(await source.claim('nope')).toEqual({ ok: false, reason: 'gone' });
  });

  it('get answers null for a deleted task', async () => {
    await setUp();
    const t = server.addTask();
    server.deleteTask(t.id);
    expect(await source.get(t.id)).toBeNull();
  });

  it('fail and release move the task; notes come back validated', async () => {
    await setUp({ review: true });
    const t = server.addTask();
    await source.claim(t.id);
    await source.release(t.id);
    expect(server.getTask(t.id)?.status).toBe('todo');
    await source.claim(t.id);
    await source.fail(t.id, 'agent crashed');
    expect(server.getTask(t.id)?.status).toBe('failed');
    expect(server.requests().at(-1)?.body).toEqual({ error: 'agent crashed' });

    server.addNote(t.id, { action: 'rejected', detail: 'tests fail' });
    const notes = await source.notes(t.id);
    expect(notes).toEqual([{ action: 'rejected', detail: 'tests fail', created_at: expect.any(String) }]);
  });

  it('complete goes to in_review when the server reviews', async () => {
    await setUp({ review: true });
    const t = server.addTask();
    await source.claim(t.id);
    await source.complete(t.id, 'done');
    expect(server.getTask(t.id)?.status).toBe('in_review');
  });

  it('sends Authorization: Bearer on every request when a token is set', async () => {
    await setUp({ token: 's3cret' }, 's3cret');
    const t = server.addTask();
    await source.listClaimable();
    await source.claim(t.id);
    await source.notes(t.id);
    const auth = server.requests().map((r) => r.authorization);
    expect(auth).toEqual(['Bearer s3cret', 'Bearer s3cret', 'Bearer s3cret']);
  });

  it('a wrong token is unauthorized', async () => {
    await setUp({ token: 'right' }, 'wrong');
    const err = await source.listClaimable().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect(err).toMatchObject({ kind: 'unauthorized' });
  });
});

describe('conditional listing (ETag)', () => {
  it('sends If-None-Match and serves the cached list on 304', async () => {
    await setUp({ mode: 'etag' });
    const t = server.addTask({ title: 'cached' });
    const first = await source.listClaimable();
    const second = await source.listClaimable();
    expect(second).toEqual(first);
    const [r1, r2] = server.requests();
    expect(r1?.ifNoneMatch).toBeUndefined();
    expect(r2?.ifNoneMatch).toMatch(/^".+"$/);

    server.addTask({ title: 'new' });
    const third = await source.listClaimable();
    expect(third.map((x) => x.title)).toEqual(['cached', 'new']);
    expect(server.counts().list).toBe(3);
    // Mutating what we returned must not poison the cache.
    third[0]!.title = 'changed by caller';
    expect((await source.listClaimable())[0]?.title).toBe(t.title);
  });

  it('without an ETag it never sends If-None-Match', async () => {
    await setUp({ mode: 'plain' });
    await source.listClaimable();
    await source.listClaimable();
    expect(server.requests().map((r) => r.ifNoneMatch)).toEqual([undefined, undefined]);
  });
});

describe('Idempotency-Key on outcome reports', () => {
  it('is sent on complete, fail and release, fresh per call by default', async () => {
    await setUp();
    const a = server.addTask();
    const b = server.addTask();
    await source.claim(a.id);
    await source.release(a.id);
    await source.claim(a.id);
    await source.complete(a.id, 'ok');
    await source.claim(b.id);
    await source.fail(b.id, 'no');
    const keys = server
      .requests()
      .filter((r) => ['complete', 'fail', 'release'].includes(r.endpoint))
      .map((r) => r.idempotencyKey);
    expect(keys).toHaveLength(3);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys).size).toBe(3);
  });

  it('stays the same across a retry, and the server applies the report once', async () => {
    await setUp();
    const t = server.addTask();
    await source.claim(t.id);
    server.setFaults('complete', [{ kind: 'reset', times: 1 }]);
    const key = 'session-42-outcome';
    await expect(source.complete(t.id, 'ok', { idempotencyKey: key })).rejects.toMatchObject({ kind: 'transient' });
    await source.complete(t.id, 'ok', { idempotencyKey: key });
    await source.complete(t.id, 'ok', { idempotencyKey: key });
    const reports = server.requests().filter((r) => r.endpoint === 'complete');
    expect(reports.map((r) => r.idempotencyKey)).toEqual([key, key, key]);
    expect(reports.map((r) => r.replayed)).toEqual([false, false, true]);
    expect(server.getTask(t.id)?.status).toBe('done');
  });
});
