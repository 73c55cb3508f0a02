/**
 * The tray menu as data: a pure function of the snapshot, the app settings and
 * the platform. Items carry an {@link TrayAction} instead of a click callback,
 * so tests compare templates and shell/tray.ts maps actions to core calls.
 */
import type { AppSettings } from '@shared/settings';
import type { Snapshot } from '@shared/snapshot';
import { daemonLine, menuStatusLine, type Platform, toggleActionOf } from './tray-state';

export type TrayAction =
  | { type: 'pauseDaemon'; name: string }
  | { type: 'wakeDaemon'; name: string }
  | { type: 'pauseAll' }
  | { type: 'wakeAll' }
  | { type: 'openDashboard' }
  | { type: 'setStartAtLogin'; value: boolean }
  | { type: 'checkForUpdates' }
  | { type: 'installUpdate' }
  | { type: 'quit' };

export interface TrayMenuItem {
  id: string;
  type: 'normal' | 'separator' | 'checkbox';
  label?: string;
  enabled?: boolean;
  checked?: boolean;
  action?: TrayAction;
}

const separator = (id: string): TrayMenuItem => ({ id, type: 'separator' });

/** `extras` (the update line, shell/updates-policy.ts) go just above Quit. */
export function buildTrayMenu(
  snapshot: Snapshot,
  settings: AppSettings,
  platform: Platform,
  extras: TrayMenuItem[] = [],
): TrayMenuItem[] {
  const items: TrayMenuItem[] = [];
  // AppIndicator shows no tooltip, so Linux gets the status as the first (inert) line — without a countdown (tray.ts).
  if (platform === 'linux') {
    items.push({ id: 'status', type: 'normal', label: menuStatusLine(snapshot), enabled: false }, separator('sep-status'));
  }
  for (const d of snapshot.daemons) {
    items.push({ id: `daemon:${d.name}`, type: 'normal', label: daemonLine(d), enabled: false });
    items.push(
      d.paused
        ? { id: `resume:${d.name}`, type: 'normal', label: '    Resume', action: { type: 'wakeDaemon', name: d.name } }
        : { id: `pause:${d.name}`, type: 'normal', label: '    Pause', action: { type: 'pauseDaemon', name: d.name } },
    );
    // Waking a paused daemon is "Resume"; "Wake now" is for a running one sitting in a long backoff.
    items.push({
      id: `wake:${d.name}`,
      type: 'normal',
      label: '    Wake now',
      enabled: !d.paused,
      action: { type: 'wakeDaemon', name: d.name },
    });
  }
  if (snapshot.daemons.length > 0) items.push(separator('sep-daemons'));

  const anyRunning = snapshot.daemons.some((d) => !d.paused);
  const anyPaused = snapshot.daemons.some((d) => d.paused);
  const toggle = toggleActionOf(snapshot);
  // The action a click would take comes first, so Linux users find it where others click.
  const pauseAll: TrayMenuItem = {
    id: 'pause-all',
    type: 'normal',
    label: 'Pause all',
    enabled: anyRunning,
    action: { type: 'pauseAll' },
  };
  const wakeAll: TrayMenuItem = {
    id: 'wake-all',
    type: 'normal',
    label: 'Resume all',
    enabled: anyPaused,
    action: { type: 'wakeAll' },
  };
  items.push(...(toggle === 'wakeAll' ? [wakeAll, pauseAll] : [pauseAll, wakeAll]), separator('sep-all'));

  items.push(
    { id: 'open-dashboard', type: 'normal', label: 'Open dashboard', action: { type: 'openDashboard' } },
    {
      id: 'start-at-login',
      type: 'checkbox',
      label: 'Start at login',
      checked: settings.startAtLogin,
      action: { type: 'setStartAtLogin', value: !settings.startAtLogin },
    },
    ...extras,
    separator('sep-quit'),
    { id: 'quit', type: 'normal', label: platform === 'darwin' ? 'Quit Nightshift' : 'Quit', action: { type: 'quit' } },
  );
  return items;
}
