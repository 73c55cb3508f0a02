/**
 * What the tray shows and what a click on it does, decided from a snapshot by
 * pure functions (no Electron here), so every case is unit-tested.
 */
import type { DaemonSnapshot, Snapshot } from '@shared/snapshot';

export const TRAY_STATES = ['idle', 'working', 'backing_off', 'paused', 'error'] as const;
export type TrayState = (typeof TRAY_STATES)[number];

export type Platform = 'darwin' | 'win32' | 'linux';

const busySlots = (d: DaemonSnapshot) => d.slots.filter((s) => s.state === 'busy').length;

/**
 * One state for the whole app, most urgent first: a daemon that needs the
 * user (error, unauthorized) wins over work in progress, which wins over
 * waiting out a backoff or a rate limit; "paused" only when every daemon is.
 */
export function trayStateOf(snapshot: Snapshot): TrayState {
  const { daemons } = snapshot;
  if (daemons.some((d) => d.state === 'error' || d.state === 'unauthorized')) return 'error';
  if (daemons.some((d) => busySlots(d) > 0)) return 'working';
  if (daemons.some((d) => d.state === 'backing_off' || d.slots.some((s) => s.state === 'rate_limited'))) return 'backing_off';
  if (daemons.length > 0 && daemons.every((d) => d.paused)) return 'paused';
  return 'idle';
}

/** What a toggle (left click on macOS/Windows, first menu line on Linux) does now. */
export type ToggleAction = 'pauseAll' | 'wakeAll';

/** Paused everywhere → wake (resume, reset backoff, tick now); anything running → pause. */
export function toggleActionOf(snapshot: Snapshot): ToggleAction {
  return snapshot.daemons.length > 0 && snapshot.daemons.every((d) => d.paused) ? 'wakeAll' : 'pauseAll';
}

export interface ClickBehaviour {
  /** Left click: run the toggle, or show the menu. */
  leftClick: 'toggle' | 'menu';
  /** Right click pops the menu up by hand (where the menu is not attached). */
  rightClick: 'menu' | 'none';
  /**
   * Attach the menu with `tray.setContextMenu` (and again after every change).
   * Linux AppIndicator ignores click events and shows only an attached menu;
   * on macOS an attached menu swallows the left click, so there (and on
   * Windows, for the same feel) it is popped up on right click instead.
   */
  attachMenu: boolean;
}

export function clickBehaviourFor(platform: Platform): ClickBehaviour {
  // KDE (and other StatusNotifierItem hosts) do emit `click` on a left click and
  // open the attached menu on a right click: toggle there like on Windows.
  // GNOME's AppIndicator never emits `click`, so the listener simply stays idle.
  if (platform === 'linux') return { leftClick: 'toggle', rightClick: 'none', attachMenu: true };
  return { leftClick: 'toggle', rightClick: 'menu', attachMenu: false };
}

/** "45 s", "3 min", "now". */
export function formatDelay(ms: number): string {
  if (ms < 1_000) return 'now';
  if (ms < 90_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** The soonest scheduled tick of any running daemon, as a delay from `now`, or null when none is scheduled. */
export function nextPollInMs(snapshot: Snapshot, now: number): number | null {
  const times = snapshot.daemons.filter((d) => !d.paused && d.nextTickAt !== null).map((d) => d.nextTickAt as number);
  if (times.length === 0) return null;
  return Math.max(0, Math.min(...times) - now);
}

/**
 * The Linux menu's first line: "2/4 slots busy" (or "· all paused"). No
 * countdown: the menu is rebuilt (and re-sent over D-Bus) only when this
 * content changes, not every second.
 */
export function menuStatusLine(snapshot: Snapshot): string {
  if (snapshot.daemons.length === 0) return 'no daemons configured';
  const busy = snapshot.daemons.reduce((n, d) => n + busySlots(d), 0);
  const max = snapshot.daemons.reduce((n, d) => n + d.maxConcurrent, 0);
  const slots = `${busy}/${max} slots busy`;
  return snapshot.daemons.every((d) => d.paused) ? `${slots} · all paused` : slots;
}

/** Tooltip line: "2/4 slots busy · next poll in 45 s" (or "all paused"). */
export function statusLine(snapshot: Snapshot, now: number): string {
  const head = menuStatusLine(snapshot);
  if (snapshot.daemons.length === 0 || snapshot.daemons.every((d) => d.paused)) return head;
  const next = nextPollInMs(snapshot, now);
  return next === null ? head : `${head} · next poll in ${formatDelay(next)}`;
}

/** "Nightshift — 2/4 slots busy · next poll in 45 s", plus what a click does where clicks work. */
export function tooltipText(snapshot: Snapshot, platform: Platform, now: number): string {
  const head = `Nightshift — ${statusLine(snapshot, now)}`;
  // Linux: which host shows the tooltip and what its clicks do varies (KDE toggles, GNOME opens the menu): no hint.
  if (platform === 'linux' || snapshot.daemons.length === 0) return head;
  const hint = toggleActionOf(snapshot) === 'wakeAll' ? 'Click to resume' : 'Click to pause';
  return `${head}\n${hint} · right-click for the menu`;
}

/** Per-daemon label, e.g. "local — running · 1/2 busy". */
export function daemonLine(d: DaemonSnapshot): string {
  const state = d.paused ? 'paused' : d.state.replace('_', ' ');
  const rateLimited = d.slots.filter((s) => s.state === 'rate_limited').length;
  const extra = rateLimited > 0 ? ` · ${rateLimited} rate-limited` : '';
  return `${d.name} — ${state} · ${busySlots(d)}/${d.maxConcurrent} busy${extra}`;
}

/** The icon file (in resources/) for a state; macOS gets black+alpha template images. */
export function trayIconFile(state: TrayState, platform: Platform): string {
  if (platform === 'darwin') return `tray-${state}Template.png`;
  // Linux panels are 22–32 px and scale down; Windows uses 16 px (+@2x on high DPI).
  return platform === 'linux' ? `tray-${state}-32.png` : `tray-${state}.png`;
}
