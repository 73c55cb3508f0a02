/**
 * Who may talk to the headless dashboard of a real `nightshift run
 * --dashboard`: only a holder of the per-run token, from a page of the
 * dashboard's own origin, over 127.0.0.1. HTTP and WebSocket are each tried
 * without a token, with a wrong one, from a foreign Origin and with a
 * rebinding Host; the listening socket is checked in /proc/net/tcp, and a
 * connection through another local interface must fail.
 */
import { readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { assertBuilt, FAKE_AGENT, killIfRunning, type RunningInstance, startRun, tempDir, waitFor } from '../cli/harness';

let dir: string;
let instance: RunningInstance;
let port: number;
let token: string;

beforeAll(async () => {
  assertBuilt();
  dir = await tempDir('dash-sec');
  instance = await startRun(['--dashboard', '--data-dir', join(dir, 'data'), '--agent', `${process.execPath} ${FAKE_AGENT}`]);
  await waitFor(() => /dashboard: http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.test(instance.stdout()), 10_000, 'the dashboard URL');
  const url = new URL(/dashboard: (\S+)/.exec(instance.stdout())![1]!);
  port = Number(url.port);
  token = url.searchParams.get('token')!;
});
afterAll(async () => {
  if (instance && instance.child.exitCode === null) {
    instance.child.kill('SIGTERM');
    await instance.exited;
  }
  killIfRunning(instance);
  await rm(dir, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string> = {}, host = '127.0.0.1') {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest({ host, port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The HTTP status of a refused upgrade, or "open" when the server accepted it. */
function upgrade(query: string, headers: Record<string, string> = {}) {
  return new Promise<number | 'open'>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws${query}`, { headers });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => {
      resolve('open');
      ws.close();
    });
    ws.on('error', () => {});
  });
}

const ownOrigin = () => ({ Origin: `http://127.0.0.1:${port}` });

describe('dashboard of nightshift run --dashboard', () => {
  it('HTTP: refuses a missing and a wrong token, serves the right one', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(401);
    expect((await get(`/?token=${token.slice(0, -1)}`)).status).toBe(401);
    expect((await get('/', { Cookie: 'nightshift_token=wrong' })).status).toBe(401);
    const ok = await get(`/?token=${token}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<');
  });

  it('HTTP: refuses a foreign Host even with the token (DNS rebinding)', async () => {
    expect((await get(`/?token=${token}`, { Host: `evil.example:${port}` })).status).toBe(403);
  });

  it('WebSocket: refuses a missing and a wrong token, and a foreign Origin with the right token', async () => {
    expect(await upgrade('', ownOrigin())).toBe(401);
    expect(await upgrade('?token=wrong', ownOrigin())).toBe(401);
    expect(await upgrade(`?token=${token}`, { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgrade(`?token=${token}`, { Origin: `http://127.0.0.1:${port + 1}` })).toBe(403);
    expect(await upgrade(`?token=${token}`, { Origin: 'null' })).toBe(403);
  });

  it('WebSocket: the right token from the own origin gets contract answers', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`, { headers: ownOrigin() });
    const reply = await new Promise<{ id: number; result?: { daemons: unknown[] } }>((resolve, reject) => {
      ws.on('message', (data) => {
        const msg = JSON.parse(data.toString()) as { type: string; id: number; result?: { daemons: unknown[] } };
        if (msg.type === 'reply' && msg.id === 1) resolve(msg);
      });
      ws.on('open', () => ws.send(JSON.stringify({ type: 'request', id: 1, name: 'getSnapshot', args: {} })));
      ws.on('error', reject);
    });
    ws.close();
    expect(reply.result?.daemons).toHaveLength(1);
  });

  it('listens on 127.0.0.1 only', async () => {
    // The kernel's own table: the listening socket's local address for our port.
    const listening = (await readFile('/proc/net/tcp', 'utf8'))
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f[3] === '0A' && Number.parseInt(f[1]!.split(':')[1]!, 16) === port)
      .map((f) => f[1]!.split(':')[0]);
    expect(listening).toEqual(['0100007F']); // 127.0.0.1, little-endian hex
    const v6 = await readFile('/proc/net/tcp6', 'utf8').catch(() => '');
    const v6Listening = v6
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f[3] === '0A' && Number.parseInt(f[1]?.split(':')[1] ?? '', 16) === port);
    expect(v6Listening).toEqual([]);
  });

  it('refuses connections through any other local interface address', async (ctx) => {
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => a!.address);
    if (others.length === 0) {
      console.warn('no non-loopback IPv4 interface on this machine: skipping the other-interface check');
      ctx.skip();
    }
    for (const address of others) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect({ host: address, port });
        socket.setTimeout(2_000, () => {
          socket.destroy();
          resolve('timeout');
        });
        socket.on('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      });
      expect(outcome, `connecting via ${address}:${port}`).toBe('ECONNREFUSED');
    }
  });
});
