import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectControl } from '../../src-main/api/control/client';
import { LineReader } from '../../src-main/api/control/protocol';
import { type ControlServer, InstanceRunningError, startControlServer } from '../../src-main/api/control/server';
import { dispatchRequest } from '../../src-main/api/dispatch';
import { fakeHandlers } from './fake-handlers';

const SECRET = 'x'.repeat(43);

let dir: string;
let socketPath: string;
let server: ControlServer | null;
let handlers: ReturnType<typeof fakeHandlers>;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-ctl-'));
  socketPath = join(dir, 'control.sock');
  handlers = fakeHandlers();
  server = null;
});

afterEach(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const start = async (maxLineBytes?: number) => {
  server = await startControlServer({
    socketPath,
    secret: SECRET,
    dispatch: (name, args) => dispatchRequest(handlers, name, args),
    maxLineBytes,
  });
  return server;
};

/** Sends raw bytes and collects `count` reply lines. */
function rawExchange(payload: string | Buffer, count: number): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const replies: unknown[] = [];
    const socket = createConnection(socketPath);
    const reader = new LineReader(
      (line) => {
        replies.push(JSON.parse(line));
        if (replies.length === count) {
          socket.end();
          resolve(replies);
        }
      },
      () => reject(new Error('overflow')),
    );
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('error', reject);
    socket.write(`{"auth":"${SECRET}"}\n`);
    socket.write(payload);
  });
}

describe('control socket', () => {
  it('carries typed contract requests from the client to the handlers and back', async () => {
    await start();
    const conn = await connectControl(socketPath, SECRET);
    expect(conn).not.toBeNull();
    const added = await conn!.api.addTask({ prompt: 'fix the bug\nmore', queue: 'q1' });
    expect(added).toMatchObject({ id: 't1', title: 'fix the bug', queue: 'q1', status: 'todo' });
    expect(handlers.tasks).toHaveLength(1);
    // Concurrent requests on one connection are matched by id.
    const [a, b] = await Promise.all([conn!.api.listTasks({}), conn!.api.cancelTask({ id: 't1' })]);
    expect(a).toHaveLength(1);
    expect(b.status).toBe('cancelled');
    await expect(conn!.api.cancelTask({ id: 'nope' })).rejects.toMatchObject({ code: 'not_found', message: 'no task nope' });
    conn!.close();
  });

  it('makes the socket file private (0600)', async () => {
    await start();
    expect((await stat(socketPath)).mode & 0o777).toBe(0o600);
  });

  it('answers malformed lines with error replies and keeps serving the connection', async () => {
    await start();
    const replies = await rawExchange(
      `${[
        'this is not json',
        '{"id": 1}',
        '{"id": "x", "name": "addTask", "args": {"prompt": ""}}',
        '{"id": 2, "name": "dropTables", "args": {}}',
        '{"id": 3, "name": "listTasks", "args": {}, "extra": true}',
        '[]',
        '',
        '{"id": 4, "name": "getSnapshot"}',
      ].join('\n')}\n`,
      7,
    );
    // Requests run concurrently, so replies come back matched by id, not by order.
    const byId = (id: unknown) => replies.find((r) => (r as { id: unknown }).id === id);
    const anonymous = replies.filter((r) => (r as { id: unknown }).id === null);
    expect(anonymous).toEqual(
      expect.arrayContaining([
        { id: null, error: { code: 'bad_request', message: expect.stringMatching(/^not valid JSON/) } },
        { id: null, error: { code: 'bad_request', message: expect.stringMatching(/request is invalid/) } },
      ]),
    );
    expect(byId(1)).toMatchObject({ error: { code: 'bad_request', message: expect.stringMatching(/name/) } });
    expect(byId('x')).toMatchObject({
      error: { code: 'bad_request', message: expect.stringMatching(/prompt: must not be empty/) },
    });
    expect(byId(2)).toEqual({ id: 2, error: { code: 'unknown_method', message: 'unknown request "dropTables"' } });
    expect(byId(3)).toMatchObject({ error: { code: 'bad_request', message: expect.stringMatching(/unknown key "extra"/) } });
    expect(byId(4)).toEqual({ id: 4, result: { at: 1, live: true, daemons: [], blockedTasks: [] } });
  });

  it('turns a handler crash into an internal error reply, not a dead server', async () => {
    await start();
    const [reply] = await rawExchange('{"id":9,"name":"listSessions","args":{}}\n', 1);
    expect(reply).toEqual({ id: 9, error: { code: 'internal', message: 'database is locked' } });
    const conn = await connectControl(socketPath, SECRET);
    expect(await conn!.api.getSnapshot({})).toEqual({ at: 1, live: true, daemons: [], blockedTasks: [] });
    conn!.close();
  });

  it('refuses an over-long line with an error, then serves the next line', async () => {
    await start(1024);
    const huge = `{"id":1,"name":"addTask","args":{"prompt":"${'a'.repeat(5000)}"}}\n`;
    const replies = await rawExchange(`${huge}{"id":2,"name":"getSnapshot","args":{}}\n`, 2);
    expect(replies[0]).toMatchObject({ id: null, error: { code: 'bad_request', message: 'line longer than 1024 bytes' } });
    expect(replies[1]).toMatchObject({ id: 2, result: { daemons: [] } });
    expect(handlers.tasks).toHaveLength(0);
  });

  it('reassembles lines split across arbitrary chunks, including inside a UTF-8 character', () => {
    const lines: string[] = [];
    const reader = new LineReader(
      (l) => lines.push(l),
      () => {},
    );
    const bytes = Buffer.from('{"a":"naïve ☕"}\n{"b":1}\n', 'utf8');
    for (let i = 0; i < bytes.length; i++) reader.push(bytes.subarray(i, i + 1));
    expect(lines).toEqual(['{"a":"naïve ☕"}', '{"b":1}']);
  });

  it('never steals a path that answers: a second server on the same path is refused', async () => {
    await start();
    await expect(
      startControlServer({ socketPath, secret: SECRET, dispatch: async () => ({ result: null }) }),
    ).rejects.toBeInstanceOf(InstanceRunningError);
    // The first one still answers.
    const conn = await connectControl(socketPath, SECRET);
    expect(await conn!.api.listTasks({})).toEqual([]);
    conn!.close();
  });

  it('replaces a stale socket file left by a crashed run', async () => {
    // A real process that bound the socket and was killed -9: what a crashed `run` leaves behind.
    const child = spawn(
      process.execPath,
      ['-e', `require('net').createServer().listen(${JSON.stringify(socketPath)}, () => console.log('listening'))`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise((r) => child.stdout.once('data', r));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect((await stat(socketPath)).isSocket()).toBe(true);
    expect(await connectControl(socketPath, SECRET)).toBeNull();
    await start();
    const conn = await connectControl(socketPath, SECRET);
    expect(await conn!.api.getSnapshot({})).toEqual({ at: 1, live: true, daemons: [], blockedTasks: [] });
    conn!.close();
  });

  it('connectControl resolves null when nothing listens (no file, or a plain file)', async () => {
    expect(await connectControl(socketPath, SECRET)).toBeNull();
    await writeFile(socketPath, 'not a socket');
    await expect(connectControl(socketPath, SECRET)).resolves.toBeNull();
  });
});
