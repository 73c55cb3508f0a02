/**
 * Electron entry: app lifecycle only. One instance per user (a second launch
 * shows the first one's window); data in app.getPath('userData') (or
 * NIGHTSHIFT_USER_DATA); quitting stops the core — loops, then agents — before
 * the process exits, so no agent outlives the app.
 */
import { createWriteStream } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { app, dialog, ipcMain, safeStorage } from 'electron';
import { systemClock } from './core/clock';
import { CONFIG_FILE_NAME, loadOrCreateConfigFile } from './core/config-file';
import type { NightshiftCore } from './core/core-api';
import { createCore } from './core/create-core';
import { errorMessage } from './core/errors';
import { createStreamLogger } from './core/log';
import { e2eHooksEnabled } from './shell/e2e-hooks';
import { openKeychainSecrets, SECRETS_FILE_NAME } from './shell/keychain-secrets';
import { parseLaunchOptions } from './shell/launch-options';
import { startTrayApp, type TrayApp } from './shell/tray-app';
import type { Platform } from './shell/tray-state';
import { loadElectronUpdater } from './shell/updates';

/**
 * Run from source, node_modules holds better-sqlite3 built for Node (the tests
 * need it); `npm start` builds an Electron copy beside it. A packaged app has
 * its own Electron build in node_modules (electron-builder's npmRebuild).
 */
async function electronSqliteBinding(): Promise<{ nativeBinding?: string }> {
  if (app.isPackaged) return {};
  const binding = join(app.getAppPath(), '.electron-native', 'better_sqlite3.node');
  return (await access(binding).then(
    () => true,
    () => false,
  ))
    ? { nativeBinding: binding }
    : {};
}

// macOS has no login-item arguments: it reports a login launch instead.
const openedAtLogin = process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin;
const launch = parseLaunchOptions(process.argv, process.env, openedAtLogin);
if (launch.userDataDir) app.setPath('userData', launch.userDataDir);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let core: NightshiftCore | null = null;
  let shell: TrayApp | null = null;
  let quitting = false;
  /** Agents run in their own process groups: only the core's stop reaches them, so never exit without it. */
  const stopEverything = async () => {
    if (shell) await shell.shutdown();
    else await core?.stop({ agentGraceMs: 5_000 });
  };

  app.on('second-instance', () => shell?.showWindow());
  // A tray app: closing the last window is not quitting.
  app.on('window-all-closed', () => {});
  app.on('before-quit', (event) => {
    if (!core || quitting) return;
    event.preventDefault();
    quitting = true;
    void stopEverything().finally(() => app.exit(0));
  });

  app
    .whenReady()
    .then(async () => {
      const userData = app.getPath('userData');
      await mkdir(join(userData, 'logs'), { recursive: true });
      const logFile = createWriteStream(join(userData, 'logs', 'main.log'), { flags: 'a' });
      const logger = createStreamLogger((line) => logFile.write(line));
      const { config, warnings } = await loadOrCreateConfigFile(join(userData, CONFIG_FILE_NAME));
      for (const warning of warnings) logger.log('warn', 'config', warning);
      // Source tokens named by `tokenSecret` come from the OS keychain, never from a plaintext file.
      const secrets = await openKeychainSecrets(join(userData, SECRETS_FILE_NAME), safeStorage);
      core = await createCore({ dataDir: userData, config, logger, secrets, ...(await electronSqliteBinding()) });
      app.dock?.hide();
      shell = await startTrayApp({
        core,
        platform: process.platform as Platform,
        launch,
        paths: {
          resourcesDir: join(app.getAppPath(), 'resources'),
          preloadPath: join(__dirname, '../preload/preload.js'),
          rendererFile: join(__dirname, '../renderer/index.html'),
          devServerUrl: app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL,
        },
        loginItem: {
          app,
          env: process.env,
          home: homedir(),
          target: {
            appImage: process.env.APPIMAGE,
            execPath: process.execPath,
            isPackaged: app.isPackaged,
            appPath: app.getAppPath(),
          },
        },
        ipcMain,
        clock: systemClock,
        logger,
        requestQuit: () => app.quit(),
        e2eHooks: e2eHooksEnabled(process.env, app.isPackaged),
        updates: {
          isPackaged: app.isPackaged,
          env: process.env,
          stateFile: join(userData, 'updates.json'),
          load: loadElectronUpdater,
        },
      });
    })
    .catch((err: unknown) => {
      // Nothing starts half-configured: say what is wrong and leave.
      dialog.showErrorBox('Nightshift could not start', errorMessage(err));
      quitting = true;
      void stopEverything().finally(() => app.exit(1));
    });
}
