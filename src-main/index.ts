/**
 * Electron entry: app lifecycle only, in Electron's order of events.
 *
 * Before `ready`: the app:// scheme's privileges, the data dir (the CLI's, so
 * both agree on one per OS — core/store/data-dir.ts), the Windows
 * AppUserModelID, Electron's single-instance lock. At `ready`: the menu, what
 * macOS says about a login launch (recorded only once the app finished
 * launching), the login shell's PATH, then the core behind the data dir's
 * exclusive lock and control socket (shell/app-core.ts), then tray and window
 * (shell/tray-app.ts). Quitting stops the control socket, the core — loops,
 * then agents — and releases the lock, before the process exits, so no agent
 * outlives the app.
 */
import { access, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { app, dialog, ipcMain, Menu, protocol, safeStorage } from 'electron';
import { type BoundedLog, createBoundedLog } from './core/bounded-log';
import { systemClock } from './core/clock';
import { errorMessage } from './core/errors';
import { createStreamLogger, type Logger, silentLogger } from './core/log';
import { defaultDataDir } from './core/store/data-dir';
import { type AppCore, startAppCore } from './shell/app-core';
import { APP_ID } from './shell/app-identity';
import { applicationMenuTemplate } from './shell/app-menu';
import { APP_SCHEME_PRIVILEGES } from './shell/app-protocol';
import { e2eHooksEnabled } from './shell/e2e-hooks';
import { openKeychainSecrets, SECRETS_FILE_NAME } from './shell/keychain-secrets';
import { parseLaunchOptions } from './shell/launch-options';
import { adoptLoginShellPath } from './shell/login-shell-env';
import { sourceTokenTargets } from './shell/source-tokens';
import { startTrayApp, type TrayApp } from './shell/tray-app';
import type { Platform } from './shell/tray-state';
import { loadElectronUpdater } from './shell/updates';

const platform = process.platform as Platform;
/** `logs/main.log` is rotated into `main.log.1` past this: a tray app runs for months. */
const MAIN_LOG_MAX_BYTES = 10 * 1024 * 1024;

/**
 * Run from source, node_modules holds better-sqlite3 built for Node (the tests
 * need it); `npm start` builds an Electron copy beside it. A packaged app has
 * its own Electron build in node_modules (electron-builder's npmRebuild).
 */
async function electronSqliteBinding(): Promise<string | undefined> {
  if (app.isPackaged) return undefined;
  const binding = join(app.getAppPath(), '.electron-native', 'better_sqlite3.node');
  return (await access(binding).then(
    () => true,
    () => false,
  ))
    ? binding
    : undefined;
}

// Privileged schemes must be registered before `ready`.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

const argvLaunch = parseLaunchOptions(process.argv, process.env);
const dataDir = argvLaunch.userDataDir ?? defaultDataDir({ env: process.env, platform, home: homedir() });
// One directory for Chromium's files and ours: Electron's single-instance lock is then per data dir too.
app.setPath('userData', dataDir);
if (platform === 'win32') app.setAppUserModelId(APP_ID);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let appCore: AppCore | null = null;
  let shell: TrayApp | null = null;
  let quitting = false;
  let mainLog: BoundedLog | null = null;
  let logger: Logger = silentLogger;
  /** Agents run in their own process groups: only the core's stop reaches them, so never exit without it. */
  const stopEverything = async () => {
    if (!appCore) return;
    logger.log('info', 'shell', 'quitting: stopping the daemons and their agents');
    await appCore.closeControl();
    if (shell) await shell.shutdown();
    else await appCore.core.stop({ agentGraceMs: 5_000 });
    appCore.releaseLock();
    logger.log('info', 'shell', 'stopped');
  };
  /** The log's last lines are written before the process ends. */
  const exit = (code: number) => void (mainLog?.flush() ?? Promise.resolve()).finally(() => app.exit(code));

  app.on('second-instance', () => shell?.showWindow());
  // macOS: reopening from Finder, Spotlight or the Dock emits `activate`, not `second-instance`.
  app.on('activate', () => shell?.showWindow());
  // A tray app: closing the last window is not quitting.
  app.on('window-all-closed', () => {});
  app.on('before-quit', (event) => {
    if (!appCore || quitting) return;
    event.preventDefault();
    quitting = true;
    void stopEverything().finally(() => exit(0));
  });

  app
    .whenReady()
    .then(async () => {
      const menu = applicationMenuTemplate(platform);
      Menu.setApplicationMenu(menu ? Menu.buildFromTemplate(menu) : null);
      // macOS records a login launch in applicationDidFinishLaunching: ask only now.
      const openedAtLogin = platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin;
      const launch = parseLaunchOptions(process.argv, process.env, openedAtLogin);
      // Shown again while the window is open (tray-app.ts).
      app.dock?.hide();

      await mkdir(join(dataDir, 'logs'), { recursive: true, mode: 0o700 });
      const log = createBoundedLog(join(dataDir, 'logs', 'main.log'), MAIN_LOG_MAX_BYTES);
      mainLog = log;
      logger = createStreamLogger((line) => log.append(line));
      logger.log('info', 'shell', await adoptLoginShellPath({ platform, env: process.env }));

      // Source tokens named by `tokenSecret` come from the OS keychain, never from a plaintext file.
      const secrets = await openKeychainSecrets(join(dataDir, SECRETS_FILE_NAME), safeStorage);
      appCore = await startAppCore({ dataDir, logger, secrets, nativeBinding: await electronSqliteBinding() });
      shell = await startTrayApp({
        core: appCore.core,
        platform,
        launch,
        paths: {
          resourcesDir: join(app.getAppPath(), 'resources'),
          preloadPath: join(__dirname, '../preload/preload.js'),
          rendererDir: join(__dirname, '../renderer'),
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
        dock: app.dock,
        sourceTokens: { secrets, targets: sourceTokenTargets(appCore.config) },
        e2eHooks: e2eHooksEnabled(process.env, app.isPackaged),
        updates: {
          isPackaged: app.isPackaged,
          env: process.env,
          stateFile: join(dataDir, 'updates.json'),
          load: loadElectronUpdater,
        },
      });
    })
    .catch((err: unknown) => {
      // Nothing starts half-configured: say what is wrong and leave.
      logger.log('error', 'shell', `could not start: ${errorMessage(err)}`);
      dialog.showErrorBox('Nightshift could not start', errorMessage(err));
      quitting = true;
      void stopEverything().finally(() => exit(1));
    });
}
