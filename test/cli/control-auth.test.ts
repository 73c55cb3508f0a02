/**
 * The control socket's secret (issue 13): a client must present the data dir's
 * control.secret as its first line; without it, it is answered once and
 * dropped, and nothing it sent is ever dispatched.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireInstanceLockToServe, type ServedInstance, serveControl } from '../../src-main/api/control/instance';
import { controlSecretPath, readControlSecret } from '../../src-main/api/control/secret';
import { startControlServer } from '../../src-main/api/control/server';
import { dispatchRequest } from '../../src-main/api/dispatch';
import { connectToInstance } from '../../src-main/headless/commands/instance-access';
import { fakeHandlers } from './fake-handlers';

let dir: string;
let handlers: ReturnType<typeof fakeHandlers>;
let served: ServedInstance | null = null;
let releaseLock: (() => void) | null = null;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-auth-'));
  handlers = fakeHandlers();
});
afterEach(async () => {
  await served?.close();
  served = null;
  releaseLock?.();
  releaseLock = null;
  await rm(dir, { recursive: true, force: true });
});

async function serve(): Promise<string> {
  const lock = await acquireInstanceLockToServe(dir);
  releaseLock = () => lock.release();
  served = await serveControl(lock, { dataDir: dir, dispatch: (name, args) => dispatchRequest(handlers, name, args) });
  return served.control.socketPath;
}

/** Writes `payload` raw and collects everything the server sends until it hangs up. */
function exchangeUntilClosed(socketPath: string, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = createConnection(socketPath);
    socket.on('data', (c: Buffer) => {
      received += c.toString();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    if (payload) socket.write(payload);
  });
}

const addTaskLine = '{"id":1,"name":"addTask","args":{"prompt":"from an intruder"}}\n';

describe('control socket secret', () => {
  it('writes a fresh 0600 secret per start that the CLI reads and the server accepts', async () => {
    await serve();
    expect((await stat(controlSecretPath(dir))).mode & 0o777).toBe(0o600);
    const secret = await readControlSecret(dir);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const conn = await connectToInstance(dir);
    expect(await conn!.api.addTask({ prompt: 'legit' })).toMatchObject({ title: 'legit' });
    conn!.close();
    // A restart rotates it; stopping removes it.
    await served!.close();
    served = null;
    expect(await readControlSecret(dir)).toBeNull();
  });

  it('refuses a client that sends a request instead of credentials, without dispatching it', async () => {
    const socketPath = await serve();
    const reply = await exchangeUntilClosed(socketPath, addTaskLine);
    expect(JSON.parse(reply)).toEqual({
      id: null,
      error: { code: 'unauthorized', message: expect.stringMatching(/control secret/) },
    });
    expect(handlers.tasks).toHaveLength(0);
  });

  it('refuses a wrong secret and drops the requests pipelined behind it', async () => {
    const socketPath = await serve();
    const wrong = `{"auth":"${'A'.repeat(43)}"}\n`;
    const reply = await exchangeUntilClosed(socketPath, wrong + addTaskLine + addTaskLine);
    expect(reply.trim().split('\n')).toHaveLength(1);
    expect(reply).toMatch(/"unauthorized"/);
    expect(handlers.tasks).toHaveLength(0);
  });

  it('refuses an over-long first line before its end arrives', async () => {
    const socketPath = await serve();
    const reply = await exchangeUntilClosed(socketPath, 'x'.repeat(10_000));
    expect(reply).toMatch(/"unauthorized"/);
  });

  it('drops a client that sends nothing once the auth timeout passes', async () => {
    const socketPath = join(dir, 'quiet.sock');
    const server = await startControlServer({
      socketPath,
      secret: 'y'.repeat(43),
      dispatch: (name, args) => dispatchRequest(handlers, name, args),
      authTimeoutMs: 200,
    });
    const reply = await exchangeUntilClosed(socketPath, '');
    expect(reply).toMatch(/no credentials sent/);
    await server.close();
  });

  it('the CLI client reports the refusal instead of a bare "closed"', async () => {
    const socketPath = await serve();
    const { connectControl } = await import('../../src-main/api/control/client');
    const conn = await connectControl(socketPath, 'B'.repeat(43));
    await expect(conn!.api.listTasks({})).rejects.toMatchObject({ message: expect.stringMatching(/refused this client/) });
    conn!.close();
  });
});
