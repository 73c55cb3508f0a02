/**
 * Wires a running core to the Electron shell: tray, lazy window, IPC, login
 * item, power events and notifications. index.ts handles the app lifecycle
 * and calls this once the app is ready; everything here is reachable from
 * tests with a mocked 'electron' and a fake core.
 */

import type { AppSettings } from '@shared/settings';
import type { Snapshot } from '@shared/snapshot';
import { type BrowserWindow, type Dock, Notification, powerMonitor, protocol, session } from 'electron';
import type { NightshiftCore } from '../api/core-api';
import type { Clock } from '../core/clock';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/log';
import { type AppPage, appPage } from './app-page';
import { APP_SCHEME, appProtocolHandler } from './app-protocol';
import { exposeForE2E } from './e2e-hooks';
import { EventOutbox } from './event-outbox';
import { type IpcMainLike, registerIpcHandlers } from './ipc';
import type { KeychainSecrets } from './keychain-secrets';
import type { LaunchOptions } from './launch-options';
import { applyStartAtLogin, type LoginItemEnv } from './login-item';
import { notificationFor } from './notify';
import { decidePower, INITIAL_POWER_STATE, needsBatteryPolling, POWER_EVENTS, type PowerEvent, pollBattery } from './power';
import { stopCoreWithin } from './quit';
import { hardenSession } from './security';
import { registerSourceTokenIpc } from './source-tokens';
import { TrayController } from './tray';
import type { TrayAction } from './tray-menu';
import type { Platform } from './tray-state';
import { startUpdates, type UpdatesWiring } from './updates';
import { runningAgentsOf, type UpdateStatus, updateMenuItem } from './updates-policy';
import { DashboardWindow } from './window';

export interface ShellPaths {
  resourcesDir: string;
  preloadPath: string;
  /** out/renderer, served as app://nightshift/ (app-protocol.ts). */
  rendererDir: string;
  /** electron-vite's dev server (ELECTRON_RENDERER_URL), when running `npm run dev`. */
  devServerUrl?: string | undefined;
}

export interface TrayAppDeps {
  core: NightshiftCore;
  platform: Platform;
  launch: LaunchOptions;
  paths: ShellPaths;
  loginItem: Omit<LoginItemEnv, 'platform'>;
  ipcMain: IpcMainLike;
  clock: Clock;
  logger: Logger;
  /** Asks the app to quit (app.quit); the before-quit handler then calls shutdown(). */
  requestQuit(): void;
  /** Expose the tray to e2e/electron.spec.ts (e2e-hooks.ts: NIGHTSHIFT_E2E=1 in an unpackaged app only). */
  e2eHooks?: boolean;
  /** electron-updater, for a packaged app (absent: no updates, no menu line). */
  updates?: UpdatesWiring;
  /** macOS: app.dock, shown while the window is open (a tray app has no Dock icon otherwise). */
  dock?: Pick<Dock, 'show' | 'hide'> | undefined;
  /** The keychain and the daemons whose source token lives there (Settings: set, replace, clear). */
  sourceTokens?: { secrets: KeychainSecrets; targets: ReadonlyMap<string, string> };
}

export interface TrayApp {
  readonly page: AppPage;
  showWindow(): void;
  /** Stops the core (bounded), removes tray and window. Safe to call twice. */
  shutdown(options?: { agentGraceMs?: number; timeoutMs?: number }): Promise<void>;
}

export async function startTrayApp(deps: TrayAppDeps): Promise<TrayApp> {
  const { core, logger, platform } = deps;
  const log = (level: 'info' | 'warn' | 'error', message: string) => logger.log(level, 'shell', message);
  const page = appPage({ devServerUrl: deps.paths.devServerUrl });
  hardenSession(session.defaultSession, page);
  if (!page.isDevServer) protocol.handle(APP_SCHEME, appProtocolHandler(deps.paths.rendererDir));

  let snapshot: Snapshot = await core.handlers.getSnapshot({});
  let settings: AppSettings = (await core.handlers.getSettings({})).app;

  const applyLoginItem = (enabled: boolean) =>
    applyStartAtLogin(enabled, { ...deps.loginItem, platform }).then(
      (change) => log('info', `start at login ${enabled ? 'on' : 'off'}: ${change}`),
      (err) => log('warn', `start at login could not be applied: ${errorMessage(err)}`),
    );
  // Re-applied at every launch: the OS entry follows the setting in SQLite (and a moved AppImage).
  await applyLoginItem(settings.startAtLogin);

  const outbox = new EventOutbox();
  const window = new DashboardWindow({
    page,
    preloadPath: deps.paths.preloadPath,
    iconPath: `${deps.paths.resourcesDir}/icon-256.png`,
    onCreated: (win: BrowserWindow) => {
      const contents = win.webContents;
      outbox.attach(contents);
      // A reload starts a new page that must say READY again. `did-navigate`, not
      // `did-start-navigation`: the latter also fires for a navigation the guard
      // then blocks (security.ts), and re-attaching there held every event until
      // a READY that never came — live updates stopped.
      contents.on('did-navigate', () => outbox.attach(contents));
      void deps.dock?.show();
      win.on('closed', () => {
        outbox.detach(contents);
        deps.dock?.hide();
      });
    },
  });

  const run = (what: string, call: () => Promise<unknown>) => {
    call().catch((err) => log('warn', `${what} failed: ${errorMessage(err)}`));
  };
  const onAction = (action: TrayAction) => {
    const h = core.handlers;
    switch (action.type) {
      case 'pauseDaemon':
        return run(`pause ${action.name}`, async () => h.pauseDaemon({ name: action.name }));
      case 'wakeDaemon':
        return run(`wake ${action.name}`, async () => h.wakeDaemon({ name: action.name }));
      case 'pauseAll':
        return run('pause all', async () => h.pauseAll({}));
      case 'wakeAll':
        return run('resume all', async () => h.wakeAll({}));
      case 'setStartAtLogin':
        // The core emits `settings` after the change; the listener below applies it to the OS.
        return run('start at login', async () => h.setSettings({ app: { startAtLogin: action.value } }));
      case 'openDashboard':
        return window.show();
      case 'checkForUpdates':
        return run('update check', async () => updates?.check('user'));
      case 'installUpdate':
        return updates?.install();
      case 'quit':
        return deps.requestQuit();
    }
  };

  const tray = new TrayController({ platform, resourcesDir: deps.paths.resourcesDir, clock: deps.clock, onAction });
  tray.update(snapshot, settings);
  if (deps.e2eHooks) exposeForE2E({ tray: tray.electronTray, menu: () => tray.currentMenu });

  let updateStatus: UpdateStatus = { kind: 'idle' };
  const showUpdateLine = () => {
    if (updates) tray.setExtras([updateMenuItem(updateStatus, runningAgentsOf(snapshot))]);
  };
  const updates = await startUpdates(deps.updates, {
    clock: deps.clock,
    runningAgents: () => runningAgentsOf(snapshot),
    onStatus: (status) => {
      updateStatus = status;
      showUpdateLine();
    },
    log,
  });
  showUpdateLine();

  const unsubscribe = [
    core.on('snapshot', (next) => {
      snapshot = next;
      showUpdateLine();
      tray.update(next);
      outbox.push('snapshot', next);
    }),
    core.on('settings', (next) => {
      if (next.app.startAtLogin !== settings.startAtLogin) void applyLoginItem(next.app.startAtLogin);
      settings = next.app;
      tray.update(snapshot, settings);
      outbox.push('settings', next);
    }),
    core.on('tick', (tick) => outbox.push('tick', tick)),
    core.on('session', (row) => outbox.push('session', row)),
    core.on('notice', (notice) => {
      const content = notificationFor(notice, settings);
      if (content && Notification.isSupported()) new Notification(content).show();
    }),
  ];

  const unregisterIpc = registerIpcHandlers({
    ipcMain: deps.ipcMain,
    handlers: core.handlers,
    page,
    onReady: (event) => outbox.markReady(event.sender),
    onInternalError: (name, err) => log('error', `${name}: ${errorMessage(err)}`),
    onRefused: (channel, url) => log('warn', `refused IPC ${channel} from ${url}`),
  });
  const unregisterTokenIpc = deps.sourceTokens
    ? registerSourceTokenIpc({
        ipcMain: deps.ipcMain,
        page,
        ...deps.sourceTokens,
        onChanged: (daemon) => core.sourceCredentialsChanged(daemon),
        log,
      })
    : () => {};

  let powerState = INITIAL_POWER_STATE;
  const onPower = (event: PowerEvent) => {
    const decision = decidePower(event, powerState, snapshot.daemons, settings);
    powerState = decision.state;
    if (decision.pause.length + decision.wake.length > 0)
      log('info', `power ${event}: pause [${decision.pause}] wake [${decision.wake}]`);
    for (const name of decision.pause) onAction({ type: 'pauseDaemon', name });
    for (const name of decision.wake) onAction({ type: 'wakeDaemon', name });
  };
  const powerListeners: (() => void)[] = POWER_EVENTS.map((event) => {
    const listener = () => onPower(event);
    powerMonitor.on(event as 'suspend', listener);
    return () => {
      powerMonitor.removeListener(event as 'suspend', listener);
    };
  });
  const onBatteryAtStart = powerMonitor.isOnBatteryPower();
  if (onBatteryAtStart) onPower('on-battery');
  if (needsBatteryPolling(platform)) {
    const stopPolling = pollBattery({
      clock: deps.clock,
      isOnBattery: () => powerMonitor.isOnBatteryPower(),
      initial: onBatteryAtStart,
      onChange: onPower,
    });
    powerListeners.push(stopPolling);
  }

  if (!deps.launch.hidden) window.show();

  let stopping: Promise<void> | null = null;
  return {
    page,
    showWindow: () => window.show(),
    shutdown(options = {}) {
      stopping ??= (async () => {
        for (const off of [...unsubscribe, ...powerListeners]) off();
        updates?.stop();
        unregisterIpc();
        unregisterTokenIpc();
        if (!page.isDevServer) protocol.unhandle(APP_SCHEME);
        tray.destroy();
        window.destroy();
        const result = await stopCoreWithin(core, {
          agentGraceMs: options.agentGraceMs ?? 5_000,
          timeoutMs: options.timeoutMs ?? 15_000,
          clock: deps.clock,
        });
        if (result !== 'stopped')
          log('error', `core stop: ${result === 'timed_out' ? 'timed out' : errorMessage(result.failed)}`);
      })();
      return stopping;
    },
  };
}
