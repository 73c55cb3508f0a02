/**
 * The tray app's window without Electron (no binary can be downloaded here):
 * the built renderer in Chromium with the REAL preload bridge
 * (shell/preload-bridge.ts, bundled as the preload is) installed as
 * `window.nightshift`, whose ipcRenderer is a Playwright binding to the REAL
 * main-side handlers (shell/ipc.ts for the contract, shell/source-tokens.ts
 * for the keychain) over the REAL core, keychain store and fixture task
 * server. What stands in: Electron's IPC transport (a binding; the sender
 * frame is the binding's frame, as the app URL when it is the top frame) and
 * safeStorage (test/support/sealing-safe-storage.ts). The page is served by
 * the headless dashboard server, which the page then never calls: it takes
 * the bridge it finds, as inside Electron.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test as base, type Page } from '@playwright/test';
import { build } from 'vite';
import type { NightshiftCore } from '../../src-main/api/core-api';
import { createCore } from '../../src-main/api/create-core';
import { parseConfig } from '../../src-main/core/config';
import { type DashboardServer, startDashboardServer } from '../../src-main/headless/dashboard/server';
import { appPage } from '../../src-main/shell/app-page';
import { type IpcMainLike, type ReadyEvent, registerIpcHandlers, type SenderInfo } from '../../src-main/shell/ipc';
import { eventChannel } from '../../src-main/shell/ipc-channels';
import { openKeychainSecrets, SECRETS_FILE_NAME } from '../../src-main/shell/keychain-secrets';
import { registerSourceTokenIpc, sourceTokenTargets } from '../../src-main/shell/source-tokens';
import { startTaskServer, type TaskServer } from '../../test/fixtures/task-server/server';
import { SealingSafeStorage } from '../../test/support/sealing-safe-storage';
import { buildRenderer, REPO_ROOT } from './build-renderer';
import { FAKE_AGENT } from './dashboard-fixture';

export const TEAM_TOKEN = 'tok_e2e_4b7a90c2d1';

/** Main's ipcMain as the handlers see it: channel → handler, plus the READY listener. */
class BindingIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: SenderInfo, ...args: unknown[]) => unknown>();
  handle(channel: string, listener: (event: SenderInfo, ...args: unknown[]) => unknown): void {
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  on(_channel: string, _listener: (event: ReadyEvent, ...args: unknown[]) => void): void {}
  removeListener(): void {}
}

export interface TrayWindowEnv {
  core: NightshiftCore;
  server: DashboardServer;
  taskServer: TaskServer;
  secretsFile: string;
  /** Installs the preload bridge in `page` (before its first navigation). */
  installPreload(page: Page): Promise<void>;
}

async function bundledPreloadBridge(): Promise<string> {
  const out = await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      write: false,
      minify: false,
      lib: { entry: resolve(REPO_ROOT, 'src-main/shell/preload-bridge.ts'), formats: ['iife'], name: 'NightshiftPreload' },
    },
  });
  const result = Array.isArray(out) ? out[0] : out;
  if (!result || !('output' in result)) throw new Error('vite did not return the preload bundle');
  return result.output[0].code;
}

export const test = base.extend<object, { tray: TrayWindowEnv }>({
  tray: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright requires the destructuring form
    async ({}, use, workerInfo) => {
      const rendererDir = await buildRenderer(resolve(REPO_ROOT, 'out', `e2e-tray-renderer-${workerInfo.workerIndex}`));
      const preload = await bundledPreloadBridge();
      const dataDir = await mkdtemp(join(tmpdir(), 'ns-e2e-tray-'));
      const taskServer = await startTaskServer({ mode: 'plain', token: TEAM_TOKEN });
      const agent = { kind: 'command', command: [process.execPath, FAKE_AGENT], promptVia: 'stdin' } as const;
      const { config } = parseConfig({
        daemons: [
          {
            name: 'team',
            source: { kind: 'http', url: taskServer.url, tokenSecret: 'team-queue', push: [] },
            runtime: agent,
            pollIntervalMs: 300,
            maxIdleBackoffMs: 600,
            jitter: false,
          },
          { name: 'local', source: { kind: 'local', queue: 'default' }, runtime: agent, jitter: false },
        ],
      });
      const secretsFile = join(dataDir, SECRETS_FILE_NAME);
      const secrets = await openKeychainSecrets(secretsFile, new SealingSafeStorage());
      const core = await createCore({ dataDir, config, secrets });
      const server = await startDashboardServer({ core, rendererDir });
      const ipcMain = new BindingIpcMain();
      const page = appPage({});
      registerIpcHandlers({ ipcMain, handlers: core.handlers, page, onReady: () => {} });
      registerSourceTokenIpc({
        ipcMain,
        page,
        secrets,
        targets: sourceTokenTargets(config),
        onChanged: (daemon) => core.sourceCredentialsChanged(daemon),
        log: () => {},
      });

      const installPreload = async (browserPage: Page) => {
        await browserPage.exposeBinding('__nightshiftIpcInvoke', async (source, channel: string, args: unknown) => {
          const handler = ipcMain.handlers.get(channel);
          if (!handler) throw new Error(`No handler registered for '${channel}'`);
          const top = source.frame === source.page.mainFrame();
          const senderFrame = { url: top ? page.url : source.frame.url(), parent: top ? null : source.frame.parentFrame() };
          return handler({ senderFrame }, args);
        });
        // What main's EventOutbox pushes, delivered to the bridge's listeners.
        const forward = (event: 'snapshot' | 'settings' | 'tick' | 'session') =>
          core.on(event, (payload) => {
            if (!browserPage.isClosed())
              void browserPage
                .evaluate(([channel, data]) => window.__nightshiftIpcEmit?.(channel, data), [
                  eventChannel(event),
                  payload,
                ] as const)
                .catch(() => {});
          });
        const unsubscribe = [forward('snapshot'), forward('settings'), forward('tick'), forward('session')];
        browserPage.once('close', () => {
          for (const off of unsubscribe) off();
        });
        await browserPage.addInitScript(`${preload}
          (() => {
            const listeners = new Map();
            window.__nightshiftIpcEmit = (channel, payload) => {
              for (const listener of listeners.get(channel) ?? []) listener({}, payload);
            };
            window.nightshift = NightshiftPreload.createBridge({
              invoke: (channel, args) => window.__nightshiftIpcInvoke(channel, args),
              send: () => {},
              on: (channel, listener) => {
                if (!listeners.has(channel)) listeners.set(channel, new Set());
                listeners.get(channel).add(listener);
              },
              removeListener: (channel, listener) => listeners.get(channel)?.delete(listener),
            });
          })();`);
      };

      await use({ core, server, taskServer, secretsFile, installPreload });
      await server.close();
      await core.stop({ agentGraceMs: 1_000 });
      await taskServer.close();
      await rm(dataDir, { recursive: true, force: true });
      await rm(rendererDir, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 90_000 },
  ],
});

declare global {
  interface Window {
    __nightshiftIpcEmit?: (channel: string, payload: unknown) => void;
  }
}

export { expect } from '@playwright/test';
