/**
 * The dashboard window: created lazily (the tray app runs without one),
 * hardened, and simply destroyed on close — the app lives on in the tray, and
 * the next "Open dashboard" creates a fresh window.
 */
import { BrowserWindow, type BrowserWindowConstructorOptions } from 'electron';
import type { AppPage } from './app-page';
import { hardenWebContents } from './security';

export function dashboardWindowOptions(preloadPath: string, iconPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1100,
    height: 760,
    minWidth: 640,
    minHeight: 420,
    title: 'Nightshift',
    icon: iconPath,
    show: false,
    backgroundColor: '#1d253a',
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

export interface DashboardWindowOptions {
  page: AppPage;
  preloadPath: string;
  iconPath: string;
  /** Called with each new window's webContents (the IPC event outbox attaches here). */
  onCreated(window: BrowserWindow): void;
}

export class DashboardWindow {
  private window: BrowserWindow | null = null;

  constructor(private readonly options: DashboardWindowOptions) {}

  /** Shows the window, creating it on first use. */
  show(): void {
    const existing = this.current();
    if (existing) {
      if (existing.isMinimized()) existing.restore();
      existing.show();
      existing.focus();
      return;
    }
    const window = new BrowserWindow(dashboardWindowOptions(this.options.preloadPath, this.options.iconPath));
    this.window = window;
    hardenWebContents(window.webContents, this.options.page);
    window.once('ready-to-show', () => {
      if (!window.isDestroyed()) window.show();
    });
    window.on('closed', () => {
      if (this.window === window) this.window = null;
    });
    this.options.onCreated(window);
    void window.loadURL(this.options.page.url);
  }

  current(): BrowserWindow | null {
    return this.window && !this.window.isDestroyed() ? this.window : null;
  }

  destroy(): void {
    this.current()?.destroy();
    this.window = null;
  }
}
