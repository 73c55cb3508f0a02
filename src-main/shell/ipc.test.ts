import { REQUEST_NAMES } from '@shared/contract';
import { describe, expect, it, vi } from 'vitest';
import type { ApiHandlers } from '../api/dispatch';
import { appPage } from './app-page';
import { ForeignSenderError, type IpcMainLike, type ReadyEvent, registerIpcHandlers, type SenderInfo } from './ipc';
import { READY_CHANNEL, requestChannel } from './ipc-channels';
import { createBridge, type IpcRendererLike } from './preload-bridge';

const page = appPage({});
/** The webContents a READY comes from. */
const sender = { send() {}, isDestroyed: () => false };
const APP_URL = `${page.url}#/sessions`;

/** A fake ipcMain: records handlers; `invoke` plays a renderer call from a frame at `url`. */
class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: SenderInfo, ...args: unknown[]) => unknown>();
  readonly listeners = new Map<string, (event: ReadyEvent, ...args: unknown[]) => void>();
  handle(channel: string, listener: (event: SenderInfo, ...args: unknown[]) => unknown) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  on(channel: string, listener: (event: ReadyEvent, ...args: unknown[]) => void) {
    this.listeners.set(channel, listener);
  }
  removeListener(channel: string) {
    this.listeners.delete(channel);
  }
  async invoke(channel: string, args: unknown, frame: { url: string; parent: unknown } | null = { url: APP_URL, parent: null }) {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler({ senderFrame: frame }, args);
  }
}

/** Handlers that echo what they were called with, so tests see the parsed arguments. */
function echoHandlers() {
  const calls: string[] = [];
  const handlers = Object.fromEntries(
    REQUEST_NAMES.map((name) => [
      name,
      vi.fn(async (args: unknown) => {
        calls.push(name);
        return { handled: name, args };
      }),
    ]),
  ) as unknown as ApiHandlers;
  return { handlers, calls };
}

function setup() {
  const ipcMain = new FakeIpcMain();
  const { handlers, calls } = echoHandlers();
  const onReady = vi.fn();
  const onRefused = vi.fn();
  const unregister = registerIpcHandlers({ ipcMain, handlers, page, onReady, onRefused });
  return { ipcMain, handlers, calls, onReady, onRefused, unregister };
}

describe('registerIpcHandlers', () => {
  it('registers a handler for every request in the contract, and nothing else', () => {
    const { ipcMain } = setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(REQUEST_NAMES.map(requestChannel).sort());
    expect([...ipcMain.listeners.keys()]).toEqual([READY_CHANNEL]);
  });

  it('routes every contract request from the app page to its handler', async () => {
    const { ipcMain, calls } = setup();
    for (const name of REQUEST_NAMES) {
      // Requests without required arguments are called with {}; others are validated and refused below.
      const reply = await ipcMain.invoke(requestChannel(name), {});
      if ('result' in (reply as object)) expect(reply).toEqual({ result: { handled: name, args: {} } });
      else expect(reply).toMatchObject({ error: { code: 'bad_request' } });
    }
    expect(calls).toEqual(
      expect.arrayContaining(['getSnapshot', 'pauseAll', 'wakeAll', 'getSettings', 'listSessions', 'listTasks']),
    );
    expect(await ipcMain.invoke(requestChannel('pauseDaemon'), { name: 'local' })).toEqual({
      result: { handled: 'pauseDaemon', args: { name: 'local' } },
    });
  });

  it('rejects a bad argument with an error naming the request and the key', async () => {
    const { ipcMain, calls } = setup();
    const reply = (await ipcMain.invoke(requestChannel('getTicks'), { daemon: 'local', since: -5 })) as {
      error: { code: string; message: string };
    };
    expect(reply.error.code).toBe('bad_request');
    expect(reply.error.message).toMatch(/getTicks arguments is invalid/);
    expect(reply.error.message).toMatch(/since:/);
    const extra = (await ipcMain.invoke(requestChannel('pauseAll'), { evil: true })) as { error: { message: string } };
    expect(extra.error.message).toMatch(/unknown key "evil"/);
    expect(calls).toEqual([]);
  });

  it('refuses a foreign sender, an iframe of the app page and a missing frame, without calling the handler', async () => {
    const { ipcMain, calls, onRefused } = setup();
    const channel = requestChannel('pauseAll');
    await expect(ipcMain.invoke(channel, {}, { url: 'https://evil.example/', parent: null })).rejects.toThrow(ForeignSenderError);
    for (const url of [
      'file:///opt/nightshift/out/renderer/index.html',
      'app://nightshift.evil/index.html',
      'app://x@nightshift/',
    ]) {
      await expect(ipcMain.invoke(channel, {}, { url, parent: null })).rejects.toThrow(/not Nightshift's own page/);
    }
    await expect(ipcMain.invoke(channel, {}, { url: APP_URL, parent: {} })).rejects.toThrow(ForeignSenderError);
    await expect(ipcMain.invoke(channel, {}, null)).rejects.toThrow(ForeignSenderError);
    expect(calls).toEqual([]);
    expect(onRefused).toHaveBeenCalledTimes(6);
  });

  it('accepts the dev server origin in development, and only it', async () => {
    const ipcMain = new FakeIpcMain();
    const { handlers } = echoHandlers();
    const devPage = appPage({ devServerUrl: 'http://localhost:5173/' });
    registerIpcHandlers({ ipcMain, handlers, page: devPage, onReady: () => {} });
    const channel = requestChannel('getSnapshot');
    expect(await ipcMain.invoke(channel, {}, { url: 'http://localhost:5173/#/x', parent: null })).toMatchObject({ result: {} });
    await expect(ipcMain.invoke(channel, {}, { url: 'http://localhost:5174/', parent: null })).rejects.toThrow(
      ForeignSenderError,
    );
  });

  it('passes READY on only from the app page', () => {
    const { ipcMain, onReady } = setup();
    const ready = ipcMain.listeners.get(READY_CHANNEL)!;
    ready({ senderFrame: { url: 'https://evil.example/', parent: null }, sender });
    expect(onReady).not.toHaveBeenCalled();
    ready({ senderFrame: { url: APP_URL, parent: null }, sender });
    expect(onReady).toHaveBeenCalledTimes(1);
  });

  it('unregisters everything it registered', () => {
    const { ipcMain, unregister } = setup();
    unregister();
    expect(ipcMain.handlers.size).toBe(0);
    expect(ipcMain.listeners.size).toBe(0);
  });
});

describe('preload bridge over the IPC handlers', () => {
  function connect() {
    const { ipcMain, onReady } = setup();
    const rendererListeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
    const ipcRenderer: IpcRendererLike = {
      invoke: (channel, args) => ipcMain.invoke(channel, args) as Promise<unknown>,
      send: (channel) => ipcMain.listeners.get(channel)?.({ senderFrame: { url: APP_URL, parent: null }, sender }),
      on(channel, listener) {
        if (!rendererListeners.has(channel)) rendererListeners.set(channel, new Set());
        rendererListeners.get(channel)!.add(listener);
      },
      removeListener(channel, listener) {
        rendererListeners.get(channel)?.delete(listener);
      },
    };
    const emit = (channel: string, payload: unknown) => {
      for (const listener of rendererListeners.get(channel) ?? []) listener({ sender: 'ipc' }, payload);
    };
    return { bridge: createBridge(ipcRenderer), onReady, emit };
  }

  it('invokes contract requests and returns the reply envelope', async () => {
    const { bridge } = connect();
    expect(await bridge.invoke('wakeDaemon', { name: 'local' })).toEqual({
      result: { handled: 'wakeDaemon', args: { name: 'local' } },
    });
    expect(await bridge.invoke('pauseDaemon', { name: '' })).toMatchObject({ error: { code: 'bad_request' } });
  });

  it('refuses names outside the contract before any IPC', async () => {
    const { bridge } = connect();
    const loose = bridge as unknown as { invoke(n: string, a: unknown): Promise<unknown>; on(n: string, cb: () => void): void };
    await expect(loose.invoke('require', {})).rejects.toThrow(/unknown request "require"/);
    expect(() => loose.on('notice', () => {})).toThrow(/unknown event "notice"/);
  });

  it('delivers events without the IPC event object, says READY once, and unsubscribes', () => {
    const { bridge, onReady, emit } = connect();
    const seen: unknown[] = [];
    const off = bridge.on('tick', (tick) => seen.push(tick));
    bridge.on('snapshot', () => {});
    expect(onReady).toHaveBeenCalledTimes(1);
    emit('nightshift:event:tick', { daemon: 'a' });
    off();
    emit('nightshift:event:tick', { daemon: 'b' });
    expect(seen).toEqual([{ daemon: 'a' }]);
  });
});
