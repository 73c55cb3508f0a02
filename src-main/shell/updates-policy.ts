/**
 * When the tray app looks for an update, and what the tray menu says about
 * it: pure functions of the time, the running agents and the updater's state.
 * The electron-updater glue (updates.ts) only carries these decisions out.
 *
 * - Off unless packaged: `npm start` / `npm run dev` run Electron from
 *   node_modules, which has nothing to update (and no app-update.yml).
 * - At most one scheduled check a day, the first a few minutes after start
 *   (not while the app is busy starting).
 * - Never while agents run: a scheduled check waits until no agent runs. The
 *   user's own "Check for updates" is the user saying so, and goes ahead.
 * - Installing restarts the app, so it happens only when the user clicks the
 *   menu line (which says how many agents it stops) or quits the app.
 */
import type { Snapshot } from '@shared/snapshot';
import type { TrayMenuItem } from './tray-menu';

export const DAY_MS = 24 * 60 * 60 * 1000;
/** The first scheduled check, after start. */
export const FIRST_CHECK_DELAY_MS = 5 * 60 * 1000;
/** How soon a scheduled check that found agents running looks again. */
export const BUSY_RETRY_MS = 30 * 60 * 1000;

export type UpdatesAvailability = { enabled: true } | { enabled: false; reason: string };

export function updatesAvailability(opts: { isPackaged: boolean; env: Record<string, string | undefined> }): UpdatesAvailability {
  if (!opts.isPackaged) return { enabled: false, reason: 'not a packaged build (npm start / npm run dev)' };
  if (opts.env.NIGHTSHIFT_UPDATES === 'off') return { enabled: false, reason: 'NIGHTSHIFT_UPDATES=off' };
  return { enabled: true };
}

export type CheckTrigger = 'schedule' | 'user';

export type CheckDecision =
  | { check: true }
  | { check: false; reason: 'checked-recently' | 'agents-running' | 'busy'; retryAt: number };

export interface CheckInput {
  now: number;
  trigger: CheckTrigger;
  /** When the last check started (persisted across restarts), or null if never. */
  lastCheckAt: number | null;
  runningAgents: number;
  status: UpdateStatus;
}

export function decideCheck(input: CheckInput): CheckDecision {
  const { now, lastCheckAt } = input;
  // One check or download at a time; a downloaded update needs no new check.
  if (input.status.kind === 'checking' || input.status.kind === 'downloading' || input.status.kind === 'ready') {
    return { check: false, reason: 'busy', retryAt: now + DAY_MS };
  }
  if (input.trigger === 'user') return { check: true };
  if (lastCheckAt !== null && now - lastCheckAt < DAY_MS && lastCheckAt <= now) {
    return { check: false, reason: 'checked-recently', retryAt: lastCheckAt + DAY_MS };
  }
  if (input.runningAgents > 0) return { check: false, reason: 'agents-running', retryAt: now + BUSY_RETRY_MS };
  return { check: true };
}

/** What the updater is doing, as far as the menu cares. */
export type UpdateStatus =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'downloading'; version: string }
  | { kind: 'ready'; version: string }
  | { kind: 'error'; message: string };

/** Agents running now: each busy or rate-limited slot is one agent process. */
export function runningAgentsOf(snapshot: Snapshot): number {
  return snapshot.daemons.reduce((n, d) => n + d.slots.length, 0);
}

/**
 * The menu's update line. No progress percentage: the Linux menu is rebuilt
 * whenever its content changes, so it must not change with every chunk.
 */
export function updateMenuItem(status: UpdateStatus, runningAgents: number): TrayMenuItem {
  switch (status.kind) {
    case 'ready': {
      const stops = runningAgents > 0 ? ` (stops ${runningAgents} running agent${runningAgents === 1 ? '' : 's'})` : '';
      return {
        id: 'update',
        type: 'normal',
        label: `Restart to update to ${status.version}${stops}`,
        action: { type: 'installUpdate' },
      };
    }
    case 'downloading':
      return { id: 'update', type: 'normal', label: `Downloading update ${status.version}…`, enabled: false };
    case 'checking':
      return { id: 'update', type: 'normal', label: 'Checking for updates…', enabled: false };
    default:
      return { id: 'update', type: 'normal', label: 'Check for updates', action: { type: 'checkForUpdates' } };
  }
}
