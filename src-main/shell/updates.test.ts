/**
 * The electron-updater glue with a fake updater (typed as the port that the
 * real AppUpdater is checked against), a manual clock and a real state file.
 */
import { EventEmitter } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { UpdateCheckResult, UpdateDownloadedEvent, UpdateInfo } from 'electron-updater';
import { describe, expect, it } from 'vitest';
import { tempDirsPerTest } from '../../test/support/temp-dir';
import { FakeClock } from '../core/clock';
import { startUpdates, UpdateController, type UpdaterPort } from './updates';
import { BUSY_RETRY_MS, DAY_MS, FIRST_CHECK_DELAY_MS, type UpdateStatus } from './updates-policy';

const info = (version: string): UpdateInfo => ({ version, files: [], path: '', sha512: '', releaseDate: '2026-06-01' });

class FakeUpdater implements UpdaterPort {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  checks = 0;
  installs: Array<[boolean | undefined, boolean | undefined]> = [];
  /** What the next check finds: a version to download, or nothing. */
  next: string | null = null;
  private readonly events = new EventEmitter();

  on(event: string, listener: (...args: never[]) => void): this {
    this.events.on(event, (...args: unknown[]) => Reflect.apply(listener, undefined, args));
    return this;
  }
  async checkForUpdates(): Promise<UpdateCheckResult | null> {
    this.checks++;
    if (this.next === null) {
      this.events.emit('update-not-available', info('0.1.0'));
      return null;
    }
    const found = info(this.next);
    this.events.emit('update-available', found);
    const downloaded: UpdateDownloadedEvent = { ...found, downloadedFile: '/tmp/update' };
    setImmediate(() => this.events.emit('update-downloaded', downloaded));
    return null;
  }
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    this.installs.push([isSilent, isForceRunAfter]);
  }
  fail(message: string): void {
    this.events.emit('error', new Error(message));
  }
}

describe('UpdateController', () => {
  const tempDir = tempDirsPerTest();

  function setup(opts: { agents?: number } = {}) {
    const clock = new FakeClock();
    const updater = new FakeUpdater();
    const statuses: UpdateStatus[] = [];
    const logs: string[] = [];
    const state = { agents: opts.agents ?? 0 };
    const stateFile = join(tempDir(), 'updates.json');
    const controller = new UpdateController({
      updater,
      clock,
      runningAgents: () => state.agents,
      stateFile,
      onStatus: (s) => statuses.push(s),
      log: (_level, message) => logs.push(message),
    });
    return { clock, updater, statuses, logs, state, stateFile, controller };
  }

  it('downloads automatically, installs on quit, and checks first a few minutes after start', async () => {
    const { clock, updater, controller } = setup();
    expect([updater.autoDownload, updater.autoInstallOnAppQuit]).toEqual([true, true]);
    await controller.start();
    await clock.advance(FIRST_CHECK_DELAY_MS - 1);
    expect(updater.checks).toBe(0);
    await clock.advance(1);
    expect(updater.checks).toBe(1);
  });

  it('checks at most daily, remembering the last check across restarts', async () => {
    const first = setup();
    await first.controller.start();
    await first.clock.advance(FIRST_CHECK_DELAY_MS);
    await first.clock.advance(DAY_MS - 1);
    expect(first.updater.checks).toBe(1);
    await first.clock.advance(1);
    expect(first.updater.checks).toBe(2);
    const checkedAt = first.clock.now();
    await expect.poll(async () => JSON.parse(await readFile(first.stateFile, 'utf8'))).toEqual({ lastCheckAt: checkedAt });

    // A restart an hour later does not check again until the day is over.
    const second = setup();
    await writeFile(second.stateFile, JSON.stringify({ lastCheckAt: second.clock.now() - 3_600_000 }));
    await second.controller.start();
    await second.clock.advance(DAY_MS - 3_600_000 - 1);
    expect(second.updater.checks).toBe(0);
    await second.clock.advance(1);
    expect(second.updater.checks).toBe(1);
  });

  it('waits while agents run, then checks once they are done', async () => {
    const { clock, updater, controller, state } = setup({ agents: 1 });
    await controller.start();
    await clock.advance(FIRST_CHECK_DELAY_MS + BUSY_RETRY_MS);
    expect(updater.checks).toBe(0);
    state.agents = 0;
    await clock.advance(BUSY_RETRY_MS);
    expect(updater.checks).toBe(1);
  });

  it('the user can check while agents run; the menu goes downloading → ready; install only when asked', async () => {
    const { clock, updater, controller, statuses } = setup({ agents: 2 });
    updater.next = '0.2.0';
    await controller.start();
    controller.install();
    expect(updater.installs).toEqual([]);
    await controller.check('user');
    await clock.advance(0);
    expect(statuses).toEqual([
      { kind: 'checking' },
      { kind: 'downloading', version: '0.2.0' },
      { kind: 'ready', version: '0.2.0' },
    ]);
    expect(updater.installs).toEqual([]);
    controller.install();
    expect(updater.installs).toEqual([[false, true]]);
  });

  it('an updater error is logged and shown as an error, and the next check still happens', async () => {
    const { clock, updater, controller, statuses, logs } = setup();
    await controller.start();
    updater.fail('net::ERR_INTERNET_DISCONNECTED');
    expect(statuses.at(-1)).toEqual({ kind: 'error', message: 'net::ERR_INTERNET_DISCONNECTED' });
    expect(logs).toContain('update: net::ERR_INTERNET_DISCONNECTED');
    await clock.advance(FIRST_CHECK_DELAY_MS);
    expect(updater.checks).toBe(1);
  });

  it('stops scheduling once stopped', async () => {
    const { clock, updater, controller } = setup();
    await controller.start();
    controller.stop();
    await clock.advance(FIRST_CHECK_DELAY_MS * 2);
    expect(updater.checks).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('startUpdates', () => {
  const deps = { clock: new FakeClock(), runningAgents: () => 0, onStatus: () => {} };

  it('never loads electron-updater when unpackaged', async () => {
    let loaded = false;
    const logs: string[] = [];
    const wiring = {
      isPackaged: false,
      env: {},
      stateFile: '/nonexistent/updates.json',
      load: async () => {
        loaded = true;
        return new FakeUpdater();
      },
    };
    expect(await startUpdates(wiring, { ...deps, log: (_l, m) => logs.push(m) })).toBeNull();
    expect(loaded).toBe(false);
    expect(logs).toEqual(['updates off: not a packaged build (npm start / npm run dev)']);
  });

  it('a packaged app whose updater cannot load still starts, with a warning', async () => {
    const logs: string[] = [];
    const wiring = {
      isPackaged: true,
      env: {},
      stateFile: '/nonexistent/updates.json',
      load: async (): Promise<UpdaterPort> => {
        throw new Error('Cannot find module electron-updater');
      },
    };
    expect(await startUpdates(wiring, { ...deps, log: (_l, m) => logs.push(m) })).toBeNull();
    expect(logs).toEqual(['updates unavailable: Cannot find module electron-updater']);
  });
});

describe('electron-updater as loadElectronUpdater imports it', () => {
  // Node's own import() (what the built main process does) has it only there; vitest's interop adds a named copy too.
  it('has autoUpdater on default, as a lazy getter', async () => {
    const updaterModule = await import('electron-updater');
    expect(typeof Object.getOwnPropertyDescriptor(updaterModule.default, 'autoUpdater')?.get).toBe('function');
  });
});
