/**
 * `nightshift dashboard --new-token` while `nightshift run --dashboard` runs:
 * the running instance honours the new token at once. Real processes, real
 * HTTP and WebSocket requests on 127.0.0.1: the old token (in the query, in
 * the cookie, on a WebSocket upgrade) is refused, the new one accepted, and a
 * dashboard open with the old one is disconnected.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { assertBuilt, cli, FAKE_AGENT, killIfRunning, type RunningInstance, startRun, tempDir, waitFor } from './harness';

let dir: string;
let instance: RunningInstance | null = null;
beforeAll(() => assertBuilt());
afterEach(async () => {
  killIfRunning(instance);
  instance = null;
  await rm(dir, { recursive: true, force: true });
});

/** Opens a dashboard WebSocket; resolves with it open, or with the HTTP status that refused the upgrade. */
function openSocket(url: URL, token: string): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${url.host}/ws?token=${token}`, { origin: `http://${url.host}` });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

/** One contract request over an open dashboard socket. */
function request(ws: WebSocket, name: string): Promise<{ result?: unknown; error?: unknown }> {
  return new Promise((resolve) => {
    const id = Math.floor(Math.random() * 1e9);
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString());
      if (message.type === 'reply' && message.id === id) {
        ws.off('message', onMessage);
        resolve(message);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'request', id, name, args: {} }));
  });
}

describe('rotating the dashboard token of a running instance', () => {
  it('refuses the old token at once, accepts the new one, and disconnects dashboards open with the old one', async () => {
    dir = await tempDir('rot');
    const dataDir = join(dir, 'data');
    instance = await startRun(['--agent', `node ${FAKE_AGENT}`, '--dashboard', '--data-dir', dataDir]);
    await waitFor(() => /dashboard: http/.test(instance!.stdout()), 10_000, 'the dashboard URL');
    const oldUrl = new URL(/dashboard: (\S+)/.exec(instance.stdout())![1]!);
    const oldToken = oldUrl.searchParams.get('token')!;
    const page = `${oldUrl.origin}/`;

    // Before: the old token works in the query, then as the cookie it sets, and on the socket.
    const first = await fetch(oldUrl);
    expect(first.status).toBe(200);
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(page, { headers: { cookie } })).status).toBe(200);
    const open = await openSocket(oldUrl, oldToken);
    if (typeof open === 'number') throw new Error(`upgrade refused with ${open}`);
    expect(await request(open, 'getSnapshot')).toHaveProperty('result');
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      open.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );

    const rotated = await cli(['dashboard', '--new-token', '--data-dir', dataDir]);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stderr).toMatch(/running instance switches to it now/);
    const newUrl = new URL(rotated.stdout.trim());
    const newToken = newUrl.searchParams.get('token')!;
    expect(newToken).not.toBe(oldToken);
    expect(newUrl.port).toBe(oldUrl.port);

    // The open dashboard is cut, with a code that says why.
    expect(await closed).toEqual({ code: 4001, reason: 'dashboard token replaced' });
    expect(instance.stderr()).toMatch(
      /dashboard token replaced: the old one is refused from now on \(1 open dashboard disconnected\)/,
    );

    // After: the old token is refused everywhere, without a restart.
    expect((await fetch(oldUrl)).status).toBe(401);
    expect((await fetch(page, { headers: { cookie } })).status).toBe(401);
    expect(await openSocket(oldUrl, oldToken)).toBe(401);

    // The new one works in the query, the cookie and on the socket.
    const fresh = await fetch(newUrl);
    expect(fresh.status).toBe(200);
    const newCookie = fresh.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(page, { headers: { cookie: newCookie } })).status).toBe(200);
    const reopened = await openSocket(newUrl, newToken);
    if (typeof reopened === 'number') throw new Error(`upgrade with the new token refused with ${reopened}`);
    expect(await request(reopened, 'getSnapshot')).toHaveProperty('result');
    reopened.close();
    expect(instance.child.exitCode).toBeNull();
  }, 60_000);
});
