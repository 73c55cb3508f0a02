/**
 * src-main/index.ts itself, loaded with the typed Electron fake
 * (test/support/fake-electron.ts) and walked through Electron's real order of
 * events: module load (before ready) → `ready` → tray → window → `activate` /
 * `second-instance` → quit (`before-quit`, prevented until the core stopped,
 * then `app.exit(0)`). The core underneath is the real one on a real data dir.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { calls, FakeBrowserWindow, type FakeElectron, FakeTray, resetFakeElectron } from '../test/support/fake-electron';
import { acquireInstanceLock } from './core/store/instance-lock';
import { connectToInstance } from './headless/commands/instance-access';
import { APP_ID } from './shell/app-identity';

vi.mock('electron', async () => (await import('../test/support/fake-electron')).electronModule());

const FAKE_AGENT = join(__dirname, '../test/fixtures/fake-agent.mjs');
const realPlatform = process.platform;
const savedEnv = { ...process.env };
const savedArgv = [...process.argv];

let dir: string;
let dataDir: string;
let electron: FakeElectron;

function setPlatform(platform: NodeJS.Platform): void {
  Object.defineProperty(process, 'platform', { value: platform, configurable: true });
}

async function boot(platform: NodeJS.Platform, options: { argv?: string[]; wasOpenedAtLogin?: boolean } = {}) {
  electron = resetFakeElectron(platform, dir);
  electron.app.wasOpenedAtLogin = options.wasOpenedAtLogin ?? false;
  setPlatform(platform);
  process.argv = [process.execPath, dir, ...(options.argv ?? [])];
  vi.resetModules();
  await import('.');
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-life-'));
  dataDir = join(dir, 'data');
  process.env.NIGHTSHIFT_USER_DATA = dataDir;
  delete process.env.NIGHTSHIFT_OPEN_WINDOW;
  // A config of our own (the default one runs Claude Code): the fixture agent, two slots.
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dataDir, { recursive: true });
  await writeFile(
    join(dataDir, 'nightshift.json'),
    JSON.stringify({
      daemons: [
        {
          name: 'local',
          source: { kind: 'local', queue: 'default' },
          runtime: { kind: 'command', command: [process.execPath, FAKE_AGENT], promptVia: 'stdin' },
          maxConcurrent: 2,
        },
      ],
    }),
  );
});

afterEach(async () => {
  setPlatform(realPlatform);
  process.argv = savedArgv;
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
  await rm(dir, { recursive: true, force: true });
});

const calledBefore = (a: string, b: string) => {
  const ia = calls.indexOf(a);
  const ib = calls.indexOf(b);
  expect(ia, `${a} was called`).toBeGreaterThanOrEqual(0);
  expect(ib, `${b} was called`).toBeGreaterThanOrEqual(0);
  expect(ia, `${a} before ${b}: ${calls.join(', ')}`).toBeLessThan(ib);
};

async function quitAndWait(): Promise<void> {
  electron.app.quit();
  await vi.waitFor(() => expect(electron.app.exitCode).toBe(0), { timeout: 20_000 });
}

describe('index.ts in the order of Electron events', () => {
  it('Linux: startup → ready → tray → window → quit, with the CLI reaching the core in between', async () => {
    await boot('linux');
    // Before ready: the scheme, the data dir, the lock — and nothing that needs ready.
    expect(calls).not.toContain('event:ready');
    expect(electron.app.paths.get('userData')).toBe(dataDir);
    expect(electron.protocol.privileged.map((s) => s.scheme)).toEqual(['app']);
    expect(FakeTray.all).toHaveLength(0);

    electron.app.emitReady();
    await vi.waitFor(() => expect(FakeBrowserWindow.all).toHaveLength(1), { timeout: 20_000 });
    calledBefore('protocol.registerSchemesAsPrivileged', 'event:ready');
    calledBefore('app.setPath(userData)', 'event:ready');
    calledBefore('app.requestSingleInstanceLock', 'event:ready');
    calledBefore('event:ready', 'Menu.setApplicationMenu(null)');
    calledBefore('event:ready', 'protocol.handle(app)');
    calledBefore('new Tray', 'new BrowserWindow');
    expect(electron.applicationMenu.current).toBeNull(); // no default menu with Reload/DevTools
    expect(electron.app.appUserModelId).toBeNull(); // Windows only

    const [window] = FakeBrowserWindow.all;
    expect(window!.loaded).toEqual(['app://nightshift/index.html']);
    window!.emit('ready-to-show');
    expect(window!.visible).toBe(true);
    expect(FakeTray.all[0]!.contextMenu?.item('pause:local')).toBeDefined();

    // The tray app serves the control socket behind the data dir's lock: the CLI's way in.
    const cli = await connectToInstance(dataDir);
    expect((await cli!.api.getSnapshot({})).daemons.map((d) => d.name)).toEqual(['local']);
    await cli!.api.pauseDaemon({ name: 'local' });
    await vi.waitFor(() => expect(FakeTray.all[0]!.image).toBe('tray-paused-32.png'));
    cli!.close();
    await expect(acquireInstanceLock(dataDir)).rejects.toThrow(/is using the data dir/);

    // A second launch shows the window again.
    window!.destroy();
    electron.app.emit('second-instance');
    expect(FakeBrowserWindow.all).toHaveLength(2);

    await quitAndWait();
    calledBefore('tray.destroy', 'app.exit(0)');
    expect(calls.filter((c) => c === 'app.quit')).toHaveLength(1);
    // Everything let go: the lock is free, the socket's secret gone.
    const lock = await acquireInstanceLock(dataDir);
    lock.release();
    await expect(readFile(join(dataDir, 'control.secret'))).rejects.toMatchObject({ code: 'ENOENT' });
    // The app's log (bounded, logs/main.log) holds the quit's last line: written before app.exit.
    const mainLog = (await readFile(join(dataDir, 'logs', 'main.log'), 'utf8')).trimEnd().split('\n');
    expect(mainLog.some((l) => / info {2}shell quitting: stopping the daemons and their agents$/.test(l))).toBe(true);
    expect(mainLog.at(-1)).toMatch(/ info {2}shell stopped$/);
  });

  it('macOS: login launch read after ready starts hidden; dock hidden; activate shows the window and the dock', async () => {
    await boot('darwin', { wasOpenedAtLogin: true });
    expect(calls).not.toContain('app.getLoginItemSettings'); // before ready it would always say false
    electron.app.emitReady();
    await vi.waitFor(() => expect(FakeTray.all).toHaveLength(1), { timeout: 20_000 });
    calledBefore('event:ready', 'app.getLoginItemSettings');
    expect(FakeBrowserWindow.all).toHaveLength(0); // opened at login: tray only
    expect(electron.app.dock!.visible).toBe(false);
    expect(electron.applicationMenu.current?.template.map((m) => m.role)).toEqual(['appMenu', 'editMenu', 'windowMenu']);

    electron.app.emit('activate', { preventDefault() {}, defaultPrevented: false }, false);
    expect(FakeBrowserWindow.all).toHaveLength(1);
    expect(electron.app.dock!.visible).toBe(true);
    FakeBrowserWindow.all[0]!.destroy();
    expect(electron.app.dock!.visible).toBe(false);

    await quitAndWait();
  });

  it('Windows: the AppUserModelID (= electron-builder appId) is set before anything else; a second instance quits', async () => {
    const builderYml = await readFile(join(__dirname, '..', 'electron-builder.yml'), 'utf8');
    expect(/^appId:\s*(\S+)\s*$/m.exec(builderYml)?.[1]).toBe(APP_ID);
    electron = resetFakeElectron('win32', dir);
    electron.app.singleInstanceLock = false;
    setPlatform('win32');
    vi.resetModules();
    await import('.');
    expect(electron.app.appUserModelId).toBe(APP_ID);
    calledBefore('app.setAppUserModelId', 'app.requestSingleInstanceLock');
    calledBefore('app.requestSingleInstanceLock', 'app.quit');
    expect(electron.app.exitCode).toBe(0);
  });
});
