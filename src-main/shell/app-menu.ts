/**
 * The application menu. Electron's default one has View → Reload, Force
 * Reload and Toggle Developer Tools, also in packaged builds; a tray app needs
 * none of that. macOS keeps the app menu (About, Hide, Quit), Edit (without
 * it ⌘C/⌘V do nothing in text fields) and Window; Windows and Linux get no
 * menu bar at all (their text fields handle Ctrl+C/V without one).
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { Platform } from './tray-state';

export function applicationMenuTemplate(platform: Platform): MenuItemConstructorOptions[] | null {
  if (platform !== 'darwin') return null;
  return [
    {
      role: 'appMenu',
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'windowMenu' },
  ];
}
