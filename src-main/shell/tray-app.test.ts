/**
 * The shell wired to the real core (real SQLite file, real fake-agent child
 * processes) with a mocked 'electron': tray actions, IPC, login item, power
 * events, notifications and quit all reach the core and come back.
 */
import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../core/config';
import type { NightshiftCore } from '../core/core-api';
import { silentLogger } from '../core/log';

const electron = vi.hoisted(() => {
  // biome-ignore lint/suspicious/noExplicitAny: a loose stand-in for Electron's classes
  type Any = any;
  const { EventEmitter: Emitter } = require('node:events') as typeof import('node:events');
  const state = {
    trays: [] as Any[],
    menus: [] as { id: string; click?: () => void }[][],
    notifications: [] as { title: string; body: string }[],
    windows: [] as Any[],
    powerMonitor: Object.assign(new Emitter(), { isOnBatteryPower: () => false }),
  };
  class Tray extends Emitter {
    destroyed = false;
    image = '';
    constructor(image: { path: string }) {
      super();
      this.image = image.path;
      state.trays.push(this);
    }
    isDestroyed() {
      return this.destroyed;
    }
    destroy() {
      this.destroyed = true;
    }
    setImage(image: { path: string }) {
      this.image = image.path;
    }
    setToolTip() {}
    setContextMenu() {}
    popUpContextMenu() {}
  }
  class BrowserWindow extends Emitter {
    webContents = Object.assign(new Emitter(), { setWindowOpenHandler() {}, send() {}, isDestroyed: () => false });
    constructor() {
      super();
      state.windows.push(this);
    }
    loadURL() {
      return Promise.resolve();
    }
    isDestroyed() {
      return false;
    }
    destroy() {}
  }
  class Notification {
    static isSupported() {
      return true;
    }
    constructor(readonly content: { title: string; body: string }) {}
    show() {
      state.notifications.push(this.content);
    }
  }
  const module = {
    Tray,
    BrowserWindow,
    Notification,
    Menu: {
      buildFromTemplate: (template: { id: string; click?: () => void }[]) => {
        state.menus.push(template);
        return { template };
      },
    },
    nativeImage: { createFromPath: (p: string) => ({ path: p.split('/').pop(), setTemplateImage() {} }) },
    powerMonitor: state.powerMonitor,
    session: {
      defaultSession: {
        setPermissionRequestHandler() {},
        setPermissionCheckHandler() {},
        webRequest: { onHeadersReceived() {} },
      },
    },
  };
  return { state, module };
});
vi.mock('electron', () => electron.module);

const { createCore } = await import('../core/create-core');
const { startTrayApp } = await import('./tray-app');
const { requestChannel } = await import('./ipc-channels');

const FAKE_AGENT = join(__dirname, '../../test/fixtures/fake-agent.mjs');
const RENDERER = '/opt/ns/out/renderer/index.html';

let dir: string;
let core: NightshiftCore | null = null;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nightshift-shell-'));
  electron.state.trays.length = 0;
  electron.state.menus.length = 0;
  electron.state.notifications.length = 0;
  electron.state.windows.length = 0;
  electron.state.powerMonitor.removeAllListeners();
});
afterEach(async () => {
  await core?.stop({ agentGraceMs: 100 }).catch(() => {});
  core = null;
  await rm(dir, { recursive: true, force: true });
});

class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, (event: IpcMainInvokeEvent, args: unknown) => unknown>();
  handle(channel: string, fn: (event: IpcMainInvokeEvent, args: unknown) => unknown) {
    this.handlers.set(channel, fn);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  call(name: string, args: unknown) {
    const frame = { url: `file://${RENDERER}`, parent: null };
    return this.handlers.get(requestChannel(name))!({ senderFrame: frame } as unknown as IpcMainInvokeEvent, args);
  }
}

async function boot(options: { hidden: boolean }) {
  const { config } = parseConfig({
    daemons: [
      {
        name: 'local',
        source: { kind: 'local', queue: 'default' },
        runtime: { kind: 'command', command: ['node', FAKE_AGENT], promptVia: 'stdin' },
        maxConcurrent: 2,
        pollIntervalMs: 200,
        maxIdleBackoffMs: 1000,
        jitter: false,
      },
    ],
  });
  const dataDir = join(dir, 'data');
  core = await createCore({ dataDir, config, logger: silentLogger });
  const ipcMain = new FakeIpcMain();
  const requestQuit = vi.fn();
  const shell = await startTrayApp({
    core,
    platform: 'linux',
    launch: { hidden: options.hidden, openWindow: false, userDataDir: dataDir },
    paths: { resourcesDir: '/res', preloadPath: '/p.js', rendererFile: RENDERER },
    loginItem: {
      app: { setLoginItemSettings: vi.fn() },
      env: { XDG_CONFIG_HOME: join(dir, 'xdg') },
      home: join(dir, 'home'),
      target: { execPath: '/opt/Nightshift/nightshift', isPackaged: true, appPath: '/opt/Nightshift/resources/app.asar' },
    },
    ipcMain: ipcMain as unknown as import('./ipc').IpcMainLike,
    // Real time, but the tray's 500 ms render throttle shortened to 20 ms so the tests stay quick.
    clock: { now: () => Date.now(), setTimer: (fn, ms) => clearTimeout.bind(null, setTimeout(fn, Math.min(ms, 20))) },
    logger: silentLogger,
    requestQuit,
  });
  return { shell, ipcMain, requestQuit, core };
}

const menuItem = (id: string) => electron.state.menus.at(-1)!.find((i) => i.id === id)!;
const lastTray = () => electron.state.trays.at(-1)!;

describe('startTrayApp with the real core', () => {
  it('starts hidden from the login item, then opens the window on demand', async () => {
    const { shell } = await boot({ hidden: true });
    expect(electron.state.windows).toHaveLength(0);
    expect(lastTray().image).toBe('tray-idle-32.png');
    shell.showWindow();
    expect(electron.state.windows).toHaveLength(1);
    await shell.shutdown();
  });

  it('pauses and resumes a daemon from the tray menu, and the icon follows', async () => {
    const { shell, core } = await boot({ hidden: true });
    menuItem('pause:local').click!();
    await vi.waitFor(() => expect(lastTray().image).toBe('tray-paused-32.png'));
    expect((await core.handlers.getSnapshot({})).daemons[0]!.paused).toBe(true);
    await vi.waitFor(() => expect(menuItem('resume:local')).toBeDefined());
    menuItem('resume:local').click!();
    await vi.waitFor(() => expect(lastTray().image).not.toBe('tray-paused-32.png'));
    expect((await core.handlers.getSnapshot({})).daemons[0]!.paused).toBe(false);
    await shell.shutdown();
  });

  it('writes the autostart entry when Start at login is turned on, and removes it when off', async () => {
    const { shell, ipcMain } = await boot({ hidden: true });
    const file = join(dir, 'xdg', 'autostart', 'nightshift.desktop');
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' }); // off by default
    expect(await ipcMain.call('setSettings', { app: { startAtLogin: true } })).toMatchObject({
      result: { app: { startAtLogin: true } },
    });
    await vi.waitFor(async () => expect(await readFile(file, 'utf8')).toContain('Exec=/opt/Nightshift/nightshift --hidden'));
    await vi.waitFor(() => expect(menuItem('start-at-login')).toMatchObject({ checked: true }));
    menuItem('start-at-login').click!();
    await vi.waitFor(async () => expect(await stat(file).catch((e) => e.code)).toBe('ENOENT'));
    await shell.shutdown();
  });

  it('pauses on suspend and wakes on resume', async () => {
    const { shell, core } = await boot({ hidden: true });
    electron.state.powerMonitor.emit('suspend');
    await vi.waitFor(async () => expect((await core.handlers.getSnapshot({})).daemons[0]!.paused).toBe(true));
    electron.state.powerMonitor.emit('resume');
    await vi.waitFor(async () => expect((await core.handlers.getSnapshot({})).daemons[0]!.paused).toBe(false));
    await shell.shutdown();
  });

  it('notifies when a task is done, unless notifications are off', async () => {
    const { shell, ipcMain } = await boot({ hidden: true });
    await ipcMain.call('addTask', { title: 'first', prompt: 'first task sleep=20' });
    await vi.waitFor(() => expect(electron.state.notifications.map((n) => n.title)).toEqual(['Done: first (local)']), {
      timeout: 10_000,
    });
    await ipcMain.call('setSettings', { app: { notifications: false } });
    await ipcMain.call('addTask', { title: 'second', prompt: 'second task sleep=20' });
    await vi.waitFor(
      async () => {
        const tasks = (await ipcMain.call('listTasks', {})) as { result: { status: string }[] };
        expect(tasks.result.every((t) => t.status === 'done')).toBe(true);
      },
      { timeout: 10_000 },
    );
    expect(electron.state.notifications).toHaveLength(1);
    await shell.shutdown();
  });

  it('quits from the menu and shuts down: core stopped, tray gone, IPC unregistered', async () => {
    const { shell, ipcMain, requestQuit, core: running } = await boot({ hidden: true });
    menuItem('quit').click!();
    expect(requestQuit).toHaveBeenCalledTimes(1);
    const stop = vi.spyOn(running, 'stop');
    await shell.shutdown({ agentGraceMs: 100 });
    await shell.shutdown(); // idempotent
    expect(stop).toHaveBeenCalledTimes(1);
    expect(lastTray().destroyed).toBe(true);
    expect(ipcMain.handlers.size).toBe(0);
    core = null;
  });
});
