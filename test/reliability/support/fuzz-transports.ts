/**
 * The three ways a contract message reaches the core, each real except for
 * Electron itself: dispatchRequest called directly; the ipcMain handler layer
 * (registerIpcHandlers with a fake ipcMain, arguments structured-cloned as
 * Electron does); and the headless dashboard's WebSocket bridge (a real
 * server on 127.0.0.1 and a real `ws` client, arguments as JSON text).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRequestName } from '@shared/contract';
import { MAX_CLIENT_MESSAGE_BYTES, serverMessageSchema, WS_PATH } from '@shared/wire';
import type { IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import { WebSocket } from 'ws';
import { dispatchRequest } from '../../../src-main/api/dispatch';
import { startDashboardServer } from '../../../src-main/headless/dashboard/server';
import { appPage } from '../../../src-main/shell/app-page';
import { type IpcMainLike, registerIpcHandlers } from '../../../src-main/shell/ipc';
import { requestChannel } from '../../../src-main/shell/ipc-channels';
import type { FuzzCore } from './fuzz-core';

export interface Transport {
  name: string;
  /** What the handlers receive for `args` after this transport carried it. */
  carry(args: unknown): unknown;
  send(name: unknown, args: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export function directTransport(target: FuzzCore): Transport {
  return {
    name: 'dispatchRequest',
    carry: (args) => args,
    send: (name, args) => dispatchRequest(target.core.handlers, name, args),
    close: async () => {},
  };
}

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown>();
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown) {
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  on(_channel: string, _listener: (event: IpcMainEvent, ...args: unknown[]) => void) {}
  removeListener() {}
}

export const APP_URL = 'app://nightshift/index.html';

/** `frameUrl` decides who calls: the app's own page, or a foreign one that must be refused. */
export function ipcTransport(target: FuzzCore, frameUrl = `${APP_URL}#/tasks`): Transport & { refused: number } {
  const ipcMain = new FakeIpcMain();
  const unregister = registerIpcHandlers({
    ipcMain,
    handlers: target.core.handlers,
    page: appPage({}),
    onReady() {},
  });
  const transport = {
    name: 'IPC handlers',
    refused: 0,
    carry: (args: unknown) => structuredClone(args),
    async send(name: unknown, args: unknown) {
      // ipcRenderer.invoke on an unregistered channel rejects in the renderer; main never sees it.
      const handler = isRequestName(name) ? ipcMain.handlers.get(requestChannel(name)) : undefined;
      if (!handler) return { error: { code: 'unknown_method', message: `no handler for ${String(name)}` } };
      const event = { senderFrame: { url: frameUrl, parent: null } } as unknown as IpcMainInvokeEvent;
      try {
        return await handler(event, structuredClone(args));
      } catch (err) {
        transport.refused++;
        return { refused: (err as Error).message };
      }
    },
    close: async () => unregister(),
  };
  return transport;
}

/** A real dashboard server and one real client; replies matched by id, events skipped. */
export async function websocketTransport(target: FuzzCore): Promise<Transport & { sendRaw(text: string): Promise<unknown> }> {
  const rendererDir = join(target.dataDir, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>fuzz</title>');
  const server = await startDashboardServer({ core: target.core, rendererDir });
  let ws: WebSocket;
  let waiting: ((msg: unknown) => void) | null = null;
  let nextId = 1;

  const connect = async () => {
    ws = new WebSocket(`ws://127.0.0.1:${server.port}${WS_PATH}?token=${server.token}`, { maxPayload: 64 * 1024 * 1024 });
    ws.on('message', (data) => {
      const msg = serverMessageSchema.parse(JSON.parse(data.toString()));
      if (msg.type === 'reply') waiting?.(msg);
    });
    ws.on('close', (code) => waiting?.({ closed: code }));
    ws.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
  };
  await connect();

  const exchange = async (text: string): Promise<unknown> => {
    if (ws.readyState !== WebSocket.OPEN) await connect();
    const answer = new Promise<unknown>((resolve) => {
      waiting = resolve;
    });
    ws.send(text);
    const msg = await answer;
    waiting = null;
    return msg;
  };

  return {
    name: 'WebSocket bridge',
    carry: (args) => (args === undefined ? undefined : JSON.parse(JSON.stringify(args))),
    async send(name, args) {
      const id = nextId++;
      const frame = JSON.stringify({ type: 'request', id, name, args });
      const msg = (await exchange(frame)) as Record<string, unknown>;
      // The bridge caps frames (wire.ts): a bigger one costs the connection (1009), by design.
      if (msg.closed === 1009 && Buffer.byteLength(frame) > MAX_CLIENT_MESSAGE_BYTES)
        return { transportRefused: 'frame too big' };
      if ('closed' in msg) return msg;
      if (msg.id !== id) return { mismatched: msg };
      const { type: _t, id: _i, ...reply } = msg;
      return reply;
    },
    sendRaw: exchange,
    async close() {
      ws.terminate();
      await server.close();
    },
  };
}
