/**
 * The fixture task server itself: each capability switch and fault behaves
 * as the protocol table says, so that the source tests can trust it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { startTaskServer, type TaskServer } from '../fixtures/task-server/server';
import { waitFor } from './helpers';

let server: TaskServer;

afterEach(async () => {
  await server?.close();
});

describe('fixture task server', () => {
  it('serves the listing with an ETag and answers 304 while it is unchanged', async () => {
    server = await startTaskServer({ mode: 'etag' });
    server.addTask({ title: 'a' });
    const first = await fetch(`${server.url}/api/tasks?status=todo`);
    const etag = first.headers.get('etag')!;
    expect(await first.json()).toMatchObject([{ title: 'a', status: 'todo' }]);
    const second = await fetch(`${server.url}/api/tasks?status=todo`, { headers: { 'If-None-Match': etag } });
    expect(second.status).toBe(304);
    server.addTask({ title: 'b' });
    const third = await fetch(`${server.url}/api/tasks?status=todo`, { headers: { 'If-None-Match': etag } });
    expect(third.status).toBe(200);
    expect(third.headers.get('etag')).not.toBe(etag);
    expect(server.counts().list).toBe(3);
  });

  it('holds a long poll up to its cap, says so in X-Long-Poll, and releases it on addTask', async () => {
    server = await startTaskServer({ mode: 'longpoll', longPollMaxS: 1 });
    const started = Date.now();
    const empty = await fetch(`${server.url}/api/tasks?status=todo&wait=30`);
    expect(empty.headers.get('x-long-poll')).toBe('1');
    expect(await empty.json()).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);

    const held = fetch(`${server.url}/api/tasks?status=todo&wait=1`);
    await waitFor('held', () => server.openChannels().heldPolls === 1);
    server.addTask({ title: 'wake' });
    expect(await (await held).json()).toMatchObject([{ title: 'wake' }]);
  });

  it('a plain server ignores wait= and has no event stream', async () => {
    server = await startTaskServer({ mode: 'plain' });
    const reply = await fetch(`${server.url}/api/tasks?status=todo&wait=30`);
    expect(reply.headers.get('x-long-poll')).toBeNull();
    expect((await fetch(`${server.url}/api/events`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/nothing`)).status).toBe(404);
  });

  it('streams retry:, task events and keepalive comments', async () => {
    server = await startTaskServer({ mode: 'sse', sseRetryMs: 1234, sseKeepaliveMs: 30 });
    const controller = new AbortController();
    const reply = await fetch(`${server.url}/api/events`, { signal: controller.signal });
    expect(reply.headers.get('content-type')).toBe('text/event-stream');
    const reader = reply.body!.getReader();
    let text = '';
    server.addTask();
    while (!text.includes(': keepalive') || !text.includes('event: task')) {
      text += new TextDecoder().decode((await reader.read()).value);
    }
    expect(text).toMatch(/^retry: 1234\n/);
    expect(text).toContain('event: task\ndata: {"id":"t1","status":"todo"}\n\n');
    controller.abort();
    await waitFor('stream closed', () => server.openChannels().eventStreams === 0);
  });

  it('applies faults for the next N requests of one endpoint', async () => {
    server = await startTaskServer();
    server.setFaults('get', [{ kind: 'status', status: 503, times: 2 }]);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${server.url}/api/tasks/x`)).status);
    expect(statuses).toEqual([503, 503, 404]);
    server.setFaults('*', [{ kind: 'rate_limit', retryAfter: '3' }]);
    const limited = await fetch(`${server.url}/api/tasks`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(server.counts()).toMatchObject({ get: 3, list: 1 });
  });

  it('requires the bearer token when one is set', async () => {
    server = await startTaskServer({ token: 'tok' });
    expect((await fetch(`${server.url}/api/tasks`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/tasks`, { headers: { Authorization: 'Bearer tok' } })).status).toBe(200);
  });

  it('replays the answer to a repeated Idempotency-Key instead of applying it again', async () => {
    server = await startTaskServer();
    const t = server.addTask();
    const post = () =>
      fetch(`${server.url}/api/tasks/${t.id}/fail`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'k1' },
        body: JSON.stringify({ error: 'x' }),
      });
    expect((await post()).status).toBe(200);
    server.setStatus(t.id, 'todo');
    expect((await post()).status).toBe(200);
    expect(server.getTask(t.id)?.status).toBe('todo');
    expect(server.requests().map((r) => r.replayed)).toEqual([false, true]);
  });

  it('runs standalone from the command line', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/fixtures/task-server/main.ts', '--port', '0', '--mode', 'sse', '--tasks', '2'],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    const lines = createInterface({ input: child.stdout! });
    let url = '';
    for await (const line of lines) {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) {
        url = match[1]!;
        break;
      }
    }
    const tasks = (await (await fetch(`${url}/api/tasks?status=todo`)).json()) as unknown[];
    expect(tasks).toHaveLength(2);
    const stream = new AbortController();
    const events = await fetch(`${url}/api/events`, { signal: stream.signal });
    expect(events.headers.get('content-type')).toBe('text/event-stream');
    stream.abort();
    child.stdin!.write('quit\n');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('rejects bad command-line arguments naming the option', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/task-server/main.ts', '--mode', 'fast'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('--mode');
  });
});
