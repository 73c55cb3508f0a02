/**
 * The shell wired to the real core (real SQLite file, real fake-agent child
 * processes) with a mocked 'electron': tray actions, IPC, login item, power
 * events, notifications and quit all reach the core and come back.
 */
import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NightshiftCore } from '../api/core-api';
import { parseConfig } from '../core/config';
import { silentLogger } from '../core/log';
import type { IpcMainLike, SenderInfo } from './ipc';

vi.mock('electron', async () => (await import('../../test/support/fake-electron')).electronModule());
const { FakeBrowserWindow, FakeNotification, FakeTray, resetFakeElectron } = await import('../../test/support/fake-electron');
let electron = resetFakeElectron('linux');

const { createCore } = await import('../api/create-core');
const { startTrayApp } = await import('./tray-app');
const { READY_CHANNEL, requestChannel } = await import('./ipc-channels');

const FAKE_AGENT = join(__dirname, '../../test/fixtures/fake-agent.mjs');
const RENDERER_DIR = '/opt/ns/out/renderer';

let dir: string;
let core: NightshiftCore | null = null;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nightshift-shell-'));
  electron = resetFakeElectron('linux');
  electron.app.emitReady();
});
afterEach(async () => {
  await core?.stop({ agentGraceMs: 100 }).catch(() => {});
  core = null;
  await rm(dir, { recursive: true, force: true });
});

class FakeIpcMain extends EventEmitter implements IpcMainLike {
  readonly handlers = new Map<string, (event: SenderInfo, args: unknown) => unknown>();
  handle(channel: string, fn: (event: SenderInfo, args: unknown) => unknown) {
    this.handlers.set(channel, fn);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  call(name: string, args: unknown) {
    const frame = { url: 'app://nightshift/index.html', parent: null };
    return this.handlers.get(requestChannel(name))!({ senderFrame: frame }, args);
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
    paths: { resourcesDir: '/res', preloadPath: '/p.js', rendererDir: RENDERER_DIR },
    loginItem: {
      app: { setLoginItemSettings: vi.fn() },
      env: { XDG_CONFIG_HOME: join(dir, 'xdg') },
      home: join(dir, 'home'),
      target: { execPath: '/opt/Nightshift/nightshift', isPackaged: true, appPath: '/opt/Nightshift/resources/app.asar' },
    },
    ipcMain,
    // Real time, but the tray's 500 ms render throttle shortened to 20 ms so the tests stay quick.
    clock: { now: () => Date.now(), setTimer: (fn, ms) => clearTimeout.bind(null, setTimeout(fn, Math.min(ms, 20))) },
    logger: silentLogger,
    requestQuit,
  });
  return { shell, ipcMain, requestQuit, core };
}

const lastTray = () => FakeTray.all.at(-1)!;
const menuItem = (id: string) => lastTray().contextMenu?.item(id);
const clickMenu = (id: string) => lastTray().contextMenu!.click(id);

describe('startTrayApp with the real core', () => {
  it('starts hidden from the login item, then opens the window on demand', async () => {
    const { shell } = await boot({ hidden: true });
    expect(FakeBrowserWindow.all).toHaveLength(0);
    expect(lastTray().image).toBe('tray-idle-32.png');
    shell.showWindow();
    expect(FakeBrowserWindow.all).toHaveLength(1);
    await shell.shutdown();
  });

  it('pauses and resumes a daemon from the tray menu, and the icon follows', async () => {
    const { shell, core } = await boot({ hidden: true });
    clickMenu('pause:local');
    await vi.waitFor(() => expect(lastTray().image).toBe('tray-paused-32.png'));
    expect((await core.handlers.getSnapshot({})).daemons[0]!.paused).toBe(true);
    await vi.waitFor(() => expect(menuItem('resume:local')).toBeDefined());
    clickMenu('resume:local');
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
    clickMenu('start-at-login');
    await vi.waitFor(async () => expect(await stat(file).catch((e) => e.code)).toBe('ENOENT'));
    await shell.shutdown();
  });

  it('pauses on suspend and wakes on resume', async () => {
    const { shell, core } = await boot({ hidden: true });
    electron.powerMonitor.emit('suspend');
    await vi.waitFor(async () => expect((await core.handlers.getSnapshot({})).daemons[0]!.paused).toBe(true));
    electron.powerMonitor.emit('resume');
    await vi.waitFor(async () => expect((await core.handlers.getSnapshot({})).daemons[0]!.paused).toBe(false));
    await shell.shutdown();
  });

  it('Linux has no on-battery/on-ac events: the polled battery state pauses and resumes (pause on battery on)', async () => {
    const { shell, core, ipcMain } = await boot({ hidden: true });
    await ipcMain.call('setSettings', { app: { pauseOnBattery: true } });
    const paused = async () => (await core.handlers.getSnapshot({})).daemons[0]!.paused;
    electron.powerMonitor.onBattery = true;
    await vi.waitFor(async () => expect(await paused()).toBe(true));
    electron.powerMonitor.onBattery = false;
    await vi.waitFor(async () => expect(await paused()).toBe(false));
    await shell.shutdown();
  });

  it('serves the page from app://nightshift; a blocked navigation does not stop live updates', async () => {
    const { shell, core, ipcMain } = await boot({ hidden: false });
    expect(electron.protocol.handlers.has('app')).toBe(true);
    const window = FakeBrowserWindow.all[0]!;
    const contents = window.webContents;
    // The page says READY; a navigation the guard blocks must not make the outbox wait for another READY.
    ipcMain.emit(READY_CHANNEL, { sender: contents, senderFrame: { url: 'app://nightshift/index.html', parent: null } });
    const blocked = { preventDefault: vi.fn() };
    contents.emit('did-start-navigation', { url: 'https://evil.example/', isMainFrame: true, isSameDocument: false });
    contents.emit('will-navigate', blocked, 'https://evil.example/');
    expect(blocked.preventDefault).toHaveBeenCalled();
    const sentBefore = contents.sent.length;
    await core.handlers.pauseDaemon({ name: 'local' });
    await vi.waitFor(() => expect(contents.sent.length).toBeGreaterThan(sentBefore));
    await shell.shutdown();
    expect(electron.protocol.handlers.has('app')).toBe(false);
  });

  it('notifies when a task is done, unless notifications are off', async () => {
    const { shell, ipcMain } = await boot({ hidden: true });
    await ipcMain.call('addTask', { title: 'first', prompt: 'first task sleep=20' });
    await vi.waitFor(() => expect(FakeNotification.shown.map((n) => n.title)).toEqual(['Done: first (local)']), {
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
    expect(FakeNotification.shown).toHaveLength(1);
    await shell.shutdown();
  });

  it('quits from the menu and shuts down: core stopped, tray gone, IPC unregistered', async () => {
    const { shell, ipcMain, requestQuit, core: running } = await boot({ hidden: true });
    clickMenu('quit');
    expect(requestQuit).toHaveBeenCalledTimes(1);
    const stop = vi.spyOn(running, 'stop');
    await shell.shutdown({ agentGraceMs: 100 });
    await shell.shutdown(); // idempotent
    expect(stop).toHaveBeenCalledTimes(1);
    expect(lastTray().isDestroyed()).toBe(true);
    expect(ipcMain.handlers.size).toBe(0);
    core = null;
  });
});
