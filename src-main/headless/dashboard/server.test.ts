import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TickRecord } from '@shared/ticks';
import { MAX_CLIENT_MESSAGE_BYTES, type ServerMessage, serverMessageSchema } from '@shared/wire';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createFakeCore, type FakeCore, fakeDaemon } from '../../../test/support/fake-core';
import { type DashboardServer, startDashboardServer } from './server';

let dir: string;
let rendererDir: string;
let core: FakeCore;
let server: DashboardServer;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-dash-'));
  rendererDir = join(dir, 'renderer');
  await import('node:fs/promises').then((fs) => fs.mkdir(join(rendererDir, 'assets'), { recursive: true }));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Nightshift</title>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(rendererDir, 'assets', 'app.css'), 'body{}');
  await writeFile(join(dir, 'secret.txt'), 'outside the root');
  core = createFakeCore({ daemons: [fakeDaemon('local'), fakeDaemon('team')] });
  server = await startDashboardServer({ core, rendererDir, snapshotThrottleMs: 50 });
});

afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** A raw HTTP GET, so that paths like "/../x" reach the server unnormalised. */
function rawGet(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const wsUrl = (token: string | null) => `ws://127.0.0.1:${server.port}/ws${token === null ? '' : `?token=${token}`}`;

function openClient(token: string | null = server.token, origin: string | undefined = `http://127.0.0.1:${server.port}`) {
  const ws = new WebSocket(wsUrl(token), origin ? { origin } : {});
  const messages: ServerMessage[] = [];
  ws.on('message', (data) => messages.push(serverMessageSchema.parse(JSON.parse(data.toString()))));
  return { ws, messages };
}

function upgradeStatus(ws: WebSocket) {
  return new Promise<number>((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => reject(new Error('upgrade was accepted')));
    ws.on('error', () => {});
  });
}

const opened = (ws: WebSocket) =>
  new Promise<void>((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('error', reject);
  });
const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));

async function waitFor<T>(find: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function replyTo(messages: ServerMessage[], id: string | number | null) {
  return waitFor(() => messages.find((m) => m.type === 'reply' && m.id === id), `reply ${id}`);
}

describe('HTTP', () => {
  it('refuses requests without the token with 401', async () => {
    expect((await rawGet('/')).status).toBe(401);
    expect((await rawGet('/?token=wrong')).status).toBe(401);
    expect((await rawGet('/assets/app.js', { cookie: 'nightshift_token=wrong' })).status).toBe(401);
  });

  it('serves the page with the token and sets an HttpOnly SameSite=Strict cookie that later asset loads use', async () => {
    const page = await rawGet(`/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<title>Nightshift</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toContain(`nightshift_token=${server.token}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');

    const js = await rawGet('/assets/app.js', { cookie: `nightshift_token=${server.token}` });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const css = await rawGet('/assets/app.css', { cookie: `other=1; nightshift_token=${server.token}` });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const cookie = `nightshift_token=${server.token}`;
    const head = await new Promise<{ status: number; length: string | undefined; body: string }>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: server.port, path: '/assets/app.js', method: 'HEAD', headers: { cookie } },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, length: res.headers['content-length'], body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(head).toEqual({ status: 200, length: String('console.log(1)'.length), body: '' });
    const post = await fetch(`http://127.0.0.1:${server.port}/?token=${server.token}`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
  });

  it('refuses paths that escape the renderer directory', async () => {
    const cookie = { cookie: `nightshift_token=${server.token}` };
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%00index.html',
      '/..\\secret.txt',
    ]) {
      const res = await rawGet(path, cookie);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('outside the root');
    }
    expect((await rawGet('/missing.js', cookie)).status).toBe(404);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const res = await rawGet(`/?token=${server.token}`, { host: `evil.example:${server.port}` });
    expect(res.status).toBe(403);
  });

  it('listens on 127.0.0.1 only', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && !i.internal && i.family === 'IPv4');
    const hosts = ['::1', ...(external ? [external.address] : [])];
    for (const host of hosts) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect({ host, port: server.port });
        socket.on('connect', () => {
          socket.destroy();
          resolve(false);
        });
        socket.on('error', () => resolve(true));
      });
      expect(refused, host).toBe(true);
    }
  });
});

describe('WebSocket', () => {
  it('refuses an upgrade without the token (401) and from a foreign Origin (403)', async () => {
    expect(await upgradeStatus(openClient(null).ws)).toBe(401);
    expect(await upgradeStatus(openClient('nope').ws)).toBe(401);
    expect(await upgradeStatus(openClient(server.token, 'http://evil.example').ws)).toBe(403);
    expect(await upgradeStatus(openClient(server.token, `http://127.0.0.1:${server.port + 1}`).ws)).toBe(403);
  });

  it('round-trips requests through the contract and pushes the resulting events', async () => {
    const { ws, messages } = openClient(server.token, `http://localhost:${server.port}`);
    await opened(ws);
    ws.send(JSON.stringify({ type: 'request', id: 1, name: 'getSnapshot', args: {} }));
    const snapshot = await replyTo(messages, 1);
    expect(snapshot).toMatchObject({ result: { daemons: [{ name: 'local' }, { name: 'team' }] } });

    ws.send(JSON.stringify({ type: 'request', id: 'p', name: 'pauseDaemon', args: { name: 'team' } }));
    expect(await replyTo(messages, 'p')).toMatchObject({ result: { name: 'team', paused: true, state: 'paused' } });
    expect(core.calls).toEqual(['getSnapshot', 'pauseDaemon']);
    const event = await waitFor(() => messages.find((m) => m.type === 'event' && m.name === 'snapshot'), 'snapshot event');
    expect(event).toMatchObject({ payload: { daemons: [{ paused: false }, { paused: true }] } });

    ws.send(JSON.stringify({ type: 'request', id: 2, name: 'pauseDaemon', args: { name: 'nobody' } }));
    expect(await replyTo(messages, 2)).toEqual({
      type: 'reply',
      id: 2,
      error: { code: 'not_found', message: 'no daemon named "nobody"' },
    });
    ws.close();
  });

  it('answers malformed messages with errors and keeps serving', async () => {
    const { ws, messages } = openClient();
    await opened(ws);
    ws.send(JSON.stringify({ type: 'request', id: 3, name: 'getTicks', args: { daemon: 'local', since: -5 } }));
    const badArgs = await replyTo(messages, 3);
    expect(badArgs).toMatchObject({ error: { code: 'bad_request' } });
    expect(JSON.stringify(badArgs)).toContain('since');

    ws.send(JSON.stringify({ type: 'request', id: 4, name: 'rm -rf', args: {} }));
    expect(await replyTo(messages, 4)).toMatchObject({ error: { code: 'unknown_method' } });

    ws.send(JSON.stringify({ type: 'request', id: 5, name: 'getSnapshot', extra: true }));
    expect(await replyTo(messages, 5)).toMatchObject({ error: { code: 'bad_request' } });

    ws.send(JSON.stringify({ type: 'reply', name: 'getSnapshot' }));
    const anonymous = await replyTo(messages, null);
    expect(anonymous).toMatchObject({ error: { code: 'bad_request' } });
    expect(JSON.stringify(anonymous)).toContain('type');

    ws.send(JSON.stringify({ type: 'request', id: 6, name: 'getSnapshot' }));
    expect(await replyTo(messages, 6)).toHaveProperty('result');

    const code = closed(ws);
    ws.send('{not json');
    expect(await code).toBe(1008);
    expect(core.calls).toEqual(['getSnapshot']);
  });

  it('closes a connection that sends a message over the size limit', async () => {
    const { ws } = openClient();
    await opened(ws);
    const code = closed(ws);
    ws.send(
      JSON.stringify({ type: 'request', id: 1, name: 'addTask', args: { prompt: 'x'.repeat(MAX_CLIENT_MESSAGE_BYTES + 1) } }),
    );
    expect(await code).toBe(1009);
    expect(core.calls).toEqual([]);
  });

  it('forwards every tick and throttles bursts of snapshots to the latest', async () => {
    const a = openClient();
    const b = openClient();
    await Promise.all([opened(a.ws), opened(b.ws)]);
    const tick: TickRecord = {
      daemon: 'local',
      at: 1,
      delayMs: 15_000,
      reason: 'idle',
      requests: 1,
      dispatched: 0,
      active: 0,
      rateLimited: 0,
      max: 2,
      error: null,
      curveMs: null,
      push: null,
    };
    for (let i = 0; i < 5; i++) core.emit('tick', { ...tick, at: i });
    for (let i = 0; i < 30; i++) core.emit('snapshot', { at: i, live: true, daemons: [], blockedTasks: [] });
    for (const client of [a, b]) {
      await waitFor(
        () => (client.messages.filter((m) => m.type === 'event' && m.name === 'tick').length === 5 ? true : undefined),
        'ticks',
      );
      const last = await waitFor(
        () => client.messages.find((m) => m.type === 'event' && m.name === 'snapshot' && (m.payload as { at: number }).at === 29),
        'latest snapshot',
      );
      expect(last).toBeDefined();
      const snapshots = client.messages.filter((m) => m.type === 'event' && m.name === 'snapshot');
      expect(snapshots.length).toBeLessThanOrEqual(2);
    }
  });

  it('close() disconnects clients and stops listening', async () => {
    const { ws } = openClient();
    await opened(ws);
    const code = closed(ws);
    await server.close();
    expect(await code).toBe(1001);
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: server.port });
      socket.on('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.on('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});
