/**
 * The tray icon: Electron glue around the pure decisions in tray-state.ts and
 * tray-menu.ts. It renders the latest snapshot at most once per throttle
 * window, touches Electron only when the icon, tooltip or menu actually
 * changed, and checks `isDestroyed()` before every call (the tray can be gone
 * while a throttled render is pending during quit).
 */
import { join } from 'node:path';
import type { AppSettings } from '@shared/settings';
import type { Snapshot } from '@shared/snapshot';
import { Menu, type MenuItemConstructorOptions, nativeImage, Tray } from 'electron';
import type { Clock } from '../core/clock';
import { type Throttled, throttle } from './throttle';
import { buildTrayMenu, type TrayAction, type TrayMenuItem } from './tray-menu';
import { clickBehaviourFor, type Platform, toggleActionOf, tooltipText, trayIconFile, trayStateOf } from './tray-state';

export interface TrayControllerOptions {
  platform: Platform;
  /** Directory holding the tray-*.png files. */
  resourcesDir: string;
  clock: Clock;
  onAction(action: TrayAction): void;
  /** Minimum time between two renders (default 500 ms). */
  throttleMs?: number;
}

export class TrayController {
  private readonly tray: Tray;
  private readonly render: Throttled;
  private snapshot: Snapshot = { at: 0, live: false, daemons: [], blockedTasks: [] };
  private settings: AppSettings = { startAtLogin: false, pauseOnBattery: false, notifications: true };
  private shown = { icon: '', tooltip: '', menu: '' };
  private menu: Menu | null = null;
  private extras: TrayMenuItem[] = [];

  constructor(private readonly options: TrayControllerOptions) {
    const file = trayIconFile('idle', options.platform);
    this.tray = new Tray(this.image(file));
    this.shown.icon = file;
    this.render = throttle(() => this.renderNow(), options.throttleMs ?? 500, options.clock);

    const clicks = clickBehaviourFor(options.platform);
    if (clicks.leftClick === 'toggle') {
      this.tray.on('click', () => options.onAction({ type: toggleActionOf(this.snapshot) }));
    }
    if (clicks.rightClick === 'menu') {
      this.tray.on('right-click', () => {
        if (!this.tray.isDestroyed() && this.menu) this.tray.popUpContextMenu(this.menu);
      });
    }
    this.renderNow();
  }

  update(snapshot: Snapshot, settings?: AppSettings): void {
    this.snapshot = snapshot;
    if (settings) this.settings = settings;
    this.render();
  }

  /** For the e2e hooks only (shell/e2e-hooks.ts). */
  get electronTray(): Tray {
    return this.tray;
  }

  /** The menu as last rendered (for the e2e hooks). */
  get currentMenu(): Menu | null {
    return this.menu;
  }

  /** Extra menu lines (the update line); the menu is rebuilt only if they changed. */
  setExtras(items: TrayMenuItem[]): void {
    this.extras = items;
    this.render();
  }

  destroy(): void {
    this.render.cancel();
    if (!this.tray.isDestroyed()) this.tray.destroy();
  }

  private renderNow(): void {
    if (this.tray.isDestroyed()) return;
    const { platform, clock } = this.options;
    const now = clock.now();

    const icon = trayIconFile(trayStateOf(this.snapshot), platform);
    if (icon !== this.shown.icon) {
      this.tray.setImage(this.image(icon));
      this.shown.icon = icon;
    }
    const tooltip = tooltipText(this.snapshot, platform, now);
    if (tooltip !== this.shown.tooltip) {
      this.tray.setToolTip(tooltip);
      this.shown.tooltip = tooltip;
    }
    const items = buildTrayMenu(this.snapshot, this.settings, platform, this.extras);
    const key = JSON.stringify(items);
    if (key !== this.shown.menu) {
      this.menu = Menu.buildFromTemplate(items.map((item) => this.toElectron(item)));
      this.shown.menu = key;
      // Linux: AppIndicator only picks up changes when the menu is set again.
      if (clickBehaviourFor(platform).attachMenu) this.tray.setContextMenu(this.menu);
    }
  }

  private toElectron(item: TrayMenuItem): MenuItemConstructorOptions {
    const { action } = item;
    return {
      id: item.id,
      type: item.type,
      label: item.label,
      enabled: item.enabled ?? true,
      checked: item.checked,
      click: action ? () => this.options.onAction(action) : undefined,
    };
  }

  private image(file: string): Electron.NativeImage {
    const image = nativeImage.createFromPath(join(this.options.resourcesDir, file));
    if (this.options.platform === 'darwin') image.setTemplateImage(true);
    return image;
  }
}
