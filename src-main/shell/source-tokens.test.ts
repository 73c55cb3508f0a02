/**
 * Settings → source token, main side: the IPC handlers wired by
 * startTrayApp to the real core, the keychain store on a real file, and
 * Electron's safeStorage from the mocked 'electron' module (a sealing
 * stand-in typed against electron.d.ts's SafeStorage). A daemon whose HTTP
 * source reads `tokenSecret` stops as unauthorized without a token; a token
 * set from the page reaches the fixture server on the next request. The token
 * never comes back over IPC, never reaches the log and never sits on disk in
 * plaintext; a foreign frame and a keychain that is plaintext in disguise are
 * refused.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceTokensState } from '@shared/bridge-types';
import type { Reply } from '@shared/envelope';
import type { SafeStorage } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTaskServer, type TaskServer } from '../../test/fixtures/task-server/server';
import { type SealingPort, SealingSafeStorage } from '../../test/support/sealing-safe-storage';
import type { NightshiftCore } from '../api/core-api';
import { parseConfig } from '../core/config';
import type { Logger } from '../core/log';
import type { IpcMainLike, SenderInfo } from './ipc';

const keyring = vi.hoisted(() => ({ current: null as SealingPort | null }));
vi.mock('electron', async () => {
  const module = (await import('../../test/support/fake-electron')).electronModule();
  // The rest of the fake world as every shell test has it; safeStorage is the one this test chooses.
  return Object.defineProperty(module, 'safeStorage', { get: () => keyring.current, enumerable: true });
});
const { resetFakeElectron } = await import('../../test/support/fake-electron');
const electron = await import('electron');
const { createCore } = await import('../api/create-core');
const { startTrayApp } = await import('./tray-app');
const { openKeychainSecrets, SECRETS_FILE_NAME } = await import('./keychain-secrets');
const { sourceTokenTargets } = await import('./source-tokens');
const { SOURCE_TOKEN_CHANNELS } = await import('./ipc-channels');

const TOKEN = 'tok_9f2c41d7e0a8b3';
const APP_FRAME = { url: 'app://nightshift/index.html', parent: null };

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: SenderInfo, ...args: unknown[]) => unknown>();
  handle(channel: string, fn: (event: SenderInfo, ...args: unknown[]) => unknown) {
    this.handlers.set(channel, fn);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  on() {}
  removeListener() {}
  async call(channel: string, args: unknown, frame: SenderInfo['senderFrame'] = APP_FRAME): Promise<Reply<SourceTokensState>> {
    return (await this.handlers.get(channel)!({ senderFrame: frame }, args)) as Reply<SourceTokensState>;
  }
}

let dir: string;
let server: TaskServer;
let core: NightshiftCore | null = null;
let logged: string[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nightshift-tokens-'));
  server = await startTaskServer({ token: TOKEN });
  logged = [];
  resetFakeElectron('linux').app.emitReady();
});
afterEach(async () => {
  await core?.stop({ agentGraceMs: 100 }).catch(() => {});
  core = null;
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function boot(backend: ReturnType<SafeStorage['getSelectedStorageBackend']> = 'gnome_libsecret') {
  keyring.current = new SealingSafeStorage(backend);
  const { config } = parseConfig({
    daemons: [
      {
        name: 'team',
        source: { kind: 'http', url: server.url, tokenSecret: 'team-queue', push: [] },
        runtime: { kind: 'command', command: ['node', '-e', ''], promptVia: 'stdin' },
        pollIntervalMs: 200,
        maxIdleBackoffMs: 400,
        jitter: false,
      },
      { name: 'local', source: { kind: 'local', queue: 'default' }, runtime: { kind: 'command', command: ['node', '-e', ''] } },
    ],
  });
  const logger: Logger = { log: (level, scope, message) => logged.push(`${level} ${scope} ${message}`) };
  const dataDir = join(dir, 'data');
  // As index.ts does: the store over Electron's safeStorage, the targets from the config.
  const secrets = await openKeychainSecrets(join(dataDir, SECRETS_FILE_NAME), electron.safeStorage);
  core = await createCore({ dataDir, config, logger, secrets });
  const ipcMain = new FakeIpcMain();
  await startTrayApp({
    core,
    platform: 'linux',
    launch: { hidden: true, openWindow: false, userDataDir: dataDir },
    paths: { resourcesDir: '/res', preloadPath: '/p.js', rendererDir: '/opt/ns/out/renderer' },
    loginItem: {
      app: { setLoginItemSettings: vi.fn() },
      env: { XDG_CONFIG_HOME: join(dir, 'xdg') },
      home: dir,
      target: { execPath: '/x', isPackaged: true, appPath: '/x' },
    },
    ipcMain,
    clock: { now: () => Date.now(), setTimer: (fn, ms) => clearTimeout.bind(null, setTimeout(fn, Math.min(ms, 20))) },
    logger,
    requestQuit: vi.fn(),
    sourceTokens: { secrets, targets: sourceTokenTargets(config) },
  });
  const stateOf = async (name: string) => (await core!.handlers.getSnapshot({})).daemons.find((d) => d.name === name)!;
  return { ipcMain, dataDir, stateOf };
}

async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('source tokens from the Settings page', () => {
  it('a token set over IPC is sealed in the keychain file, reaches the server, and never comes back or into the log', async () => {
    const { ipcMain, dataDir, stateOf } = await boot();
    await waitFor('the daemon to stop as unauthorized', async () => (await stateOf('team')).state === 'unauthorized');
    expect(server.requests()).toEqual([]);
    expect(await ipcMain.call(SOURCE_TOKEN_CHANNELS.list, {})).toEqual({
      result: { keychainUnavailable: null, daemons: [{ daemon: 'team', secretName: 'team-queue', stored: false }] },
    });

    const reply = await ipcMain.call(SOURCE_TOKEN_CHANNELS.set, { daemon: 'team', token: TOKEN });
    expect(reply).toEqual({
      result: { keychainUnavailable: null, daemons: [{ daemon: 'team', secretName: 'team-queue', stored: true }] },
    });
    // Without a Wake: the loop that stopped as unauthorized tries again with the new token.
    await waitFor('a request with the new token', () => server.requests().some((r) => r.authorization === `Bearer ${TOKEN}`));
    await waitFor('the daemon to leave unauthorized', async () => (await stateOf('team')).state !== 'unauthorized');

    const file = await readFile(join(dataDir, SECRETS_FILE_NAME), 'utf8');
    expect(JSON.parse(file)).toHaveProperty('team-queue');
    expect(file).not.toContain(TOKEN);
    expect(logged.some((line) => line.includes('source token "team-queue" stored'))).toBe(true);
    expect(logged.filter((line) => line.includes(TOKEN))).toEqual([]);

    expect(await ipcMain.call(SOURCE_TOKEN_CHANNELS.clear, { daemon: 'team' })).toEqual({
      result: { keychainUnavailable: null, daemons: [{ daemon: 'team', secretName: 'team-queue', stored: false }] },
    });
    await waitFor('the daemon to stop again without its token', async () => (await stateOf('team')).state === 'unauthorized');
  });

  it('a paused daemon stays paused when its token changes', async () => {
    const { ipcMain, stateOf } = await boot();
    await core!.handlers.pauseDaemon({ name: 'team' });
    await ipcMain.call(SOURCE_TOKEN_CHANNELS.set, { daemon: 'team', token: TOKEN });
    expect((await stateOf('team')).paused).toBe(true);
  });

  it('validates at the boundary without ever quoting the token, and knows only the daemons that read one', async () => {
    const { ipcMain } = await boot();
    const spaced = `${TOKEN} trailing`;
    for (const args of [
      { daemon: 'team', token: spaced },
      { daemon: 'team', token: '' },
      { daemon: 'team', token: 42 },
      { daemon: 'team' },
    ]) {
      const reply = await ipcMain.call(SOURCE_TOKEN_CHANNELS.set, args);
      expect(reply).toMatchObject({
        error: { code: 'bad_request', message: expect.stringMatching(/^source token arguments is invalid:\n {2}token: /) },
      });
      expect(JSON.stringify(reply)).not.toContain(TOKEN);
    }
    expect(await ipcMain.call(SOURCE_TOKEN_CHANNELS.set, { daemon: 'team', token: TOKEN, extra: TOKEN })).toMatchObject({
      error: { code: 'bad_request', message: expect.stringContaining('unknown key "extra"') },
    });
    expect(await ipcMain.call(SOURCE_TOKEN_CHANNELS.set, { daemon: 'local', token: TOKEN })).toMatchObject({
      error: { code: 'not_found', message: expect.stringContaining('no "tokenSecret"') },
    });
    expect(await ipcMain.call(SOURCE_TOKEN_CHANNELS.clear, { daemon: 'nope' })).toMatchObject({ error: { code: 'not_found' } });
  });

  it('refuses a frame that is not the app page before looking at the arguments', async () => {
    const { ipcMain } = await boot();
    for (const frame of [{ url: 'https://evil.example/', parent: null }, { url: APP_FRAME.url, parent: {} }, null]) {
      await expect(ipcMain.call(SOURCE_TOKEN_CHANNELS.set, { daemon: 'team', token: TOKEN }, frame)).rejects.toThrow(/refused/);
      await expect(ipcMain.call(SOURCE_TOKEN_CHANNELS.list, {}, frame)).rejects.toThrow(/refused/);
    }
    expect(await ipcMain.call(SOURCE_TOKEN_CHANNELS.list, {})).toMatchObject({ result: { daemons: [{ stored: false }] } });
  });

  it("Linux without a keyring (safeStorage's basic_text): refused with a line pointing to tokenEnv, nothing written", async () => {
    const { ipcMain, dataDir } = await boot('basic_text');
    const list = await ipcMain.call(SOURCE_TOKEN_CHANNELS.list, {});
    expect(list).toMatchObject({ result: { keychainUnavailable: expect.stringMatching(/no OS keychain.*"tokenEnv"/) } });
    const reply = await ipcMain.call(SOURCE_TOKEN_CHANNELS.set, { daemon: 'team', token: TOKEN });
    expect(reply).toMatchObject({
      error: { code: 'conflict', message: expect.stringMatching(/basic_text|plaintext in disguise.*tokenEnv/) },
    });
    await expect(readFile(join(dataDir, SECRETS_FILE_NAME), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('the preload bridge to these handlers', () => {
  it('window.nightshift.sourceTokens carries set/list/clear to main and gets back only whether a token is stored', async () => {
    const { createBridge } = await import('./preload-bridge');
    const { ipcMain } = await boot();
    const bridge = createBridge({
      invoke: (channel, args) => ipcMain.call(channel, args),
      send() {},
      on() {},
      removeListener() {},
    });
    const set = await bridge.sourceTokens!.set('team', TOKEN);
    expect(set).toEqual({
      result: { keychainUnavailable: null, daemons: [{ daemon: 'team', secretName: 'team-queue', stored: true }] },
    });
    expect(JSON.stringify(await bridge.sourceTokens!.list())).not.toContain(TOKEN);
    expect(await bridge.sourceTokens!.clear('team')).toMatchObject({ result: { daemons: [{ stored: false }] } });
  });
});
