/**
 * electron-updater glue: carries out updates-policy.ts's decisions. The
 * provider is GitHub releases (electron-builder.yml `publish`), which
 * electron-builder writes into the packaged app as app-update.yml.
 *
 * electron-updater is loaded only when updates are enabled (a packaged app),
 * so `npm start` and the tests never load it.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { AppUpdater, UpdateCheckResult, UpdateDownloadedEvent, UpdateInfo } from 'electron-updater';
import type { Clock } from '../core/clock';
import { errorMessage } from '../core/errors';
import {
  type CheckTrigger,
  DAY_MS,
  decideCheck,
  FIRST_CHECK_DELAY_MS,
  type UpdateStatus,
  updatesAvailability,
} from './updates-policy';

/** The part of electron-updater's AppUpdater this file uses (checked against the real type below). */
export interface UpdaterPort {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  checkForUpdates(): Promise<UpdateCheckResult | null>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'update-available', listener: (info: UpdateInfo) => void): unknown;
  on(event: 'update-not-available', listener: (info: UpdateInfo) => void): unknown;
  on(event: 'update-downloaded', listener: (event: UpdateDownloadedEvent) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}
// Compile-time proof that the real updater fits the port.
export const asUpdaterPort = (updater: AppUpdater): UpdaterPort => updater;

export interface UpdateControllerDeps {
  updater: UpdaterPort;
  clock: Clock;
  runningAgents(): number;
  /** Persists the last check time, so "at most daily" survives restarts. */
  stateFile: string;
  onStatus(status: UpdateStatus): void;
  log(level: 'info' | 'warn', message: string): void;
}

export class UpdateController {
  private status: UpdateStatus = { kind: 'idle' };
  private lastCheckAt: number | null = null;
  private cancelTimer: (() => void) | null = null;
  private stopped = false;
  /** State writes, one after the other: two overlapping tmp+rename writes could leave the older time. */
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly deps: UpdateControllerDeps) {
    const { updater } = deps;
    updater.autoDownload = true;
    // Quitting stops the agents anyway; an update downloaded earlier installs then.
    updater.autoInstallOnAppQuit = true;
    updater.on('update-available', (info) => this.set({ kind: 'downloading', version: info.version }));
    updater.on('update-not-available', () => this.set({ kind: 'idle' }));
    updater.on('update-downloaded', (event) => this.set({ kind: 'ready', version: event.version }));
    updater.on('error', (err) => {
      this.deps.log('warn', `update: ${errorMessage(err)}`);
      this.set({ kind: 'error', message: errorMessage(err) });
    });
  }

  async start(): Promise<void> {
    this.lastCheckAt = await readLastCheck(this.deps.stateFile);
    this.schedule(this.deps.clock.now() + FIRST_CHECK_DELAY_MS);
  }

  /** A scheduled check, or the user's "Check for updates". */
  async check(trigger: CheckTrigger): Promise<void> {
    if (this.stopped) return;
    const now = this.deps.clock.now();
    const decision = decideCheck({
      now,
      trigger,
      lastCheckAt: this.lastCheckAt,
      runningAgents: this.deps.runningAgents(),
      status: this.status,
    });
    if (!decision.check) {
      if (trigger === 'schedule') this.schedule(decision.retryAt);
      return;
    }
    this.lastCheckAt = now;
    // The next one is due in a day whatever this one finds (scheduled first: nothing below can delay it).
    this.schedule(now + DAY_MS);
    this.set({ kind: 'checking' });
    const saved = this.saving.then(() =>
      writeLastCheck(this.deps.stateFile, now).catch((err) => this.deps.log('warn', `update state: ${errorMessage(err)}`)),
    );
    this.saving = saved;
    try {
      const result = await this.deps.updater.checkForUpdates();
      // checkForUpdates resolves null when the updater is inactive (e.g. no app-update.yml).
      if (result === null && this.status.kind === 'checking') this.set({ kind: 'idle' });
    } catch (err) {
      this.deps.log('warn', `update check failed: ${errorMessage(err)}`);
      if (this.status.kind === 'checking') this.set({ kind: 'error', message: errorMessage(err) });
    }
    await saved;
  }

  /** The user clicked "Restart to update": their word, agents or not (the line says how many it stops). */
  install(): void {
    if (this.status.kind === 'ready') this.deps.updater.quitAndInstall(false, true);
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
  }

  private schedule(at: number): void {
    this.cancelTimer?.();
    if (this.stopped) return;
    this.cancelTimer = this.deps.clock.setTimer(() => void this.check('schedule'), Math.max(0, at - this.deps.clock.now()));
  }

  private set(status: UpdateStatus): void {
    this.status = status;
    this.deps.onStatus(status);
  }
}

async function readLastCheck(file: string): Promise<number | null> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    const at = typeof parsed === 'object' && parsed !== null && 'lastCheckAt' in parsed ? parsed.lastCheckAt : null;
    return typeof at === 'number' && Number.isFinite(at) ? at : null;
  } catch {
    return null;
  }
}

async function writeLastCheck(file: string, at: number): Promise<void> {
  await writeFile(`${file}.tmp`, JSON.stringify({ lastCheckAt: at }));
  await rename(`${file}.tmp`, file);
}

/** Loads electron-updater's autoUpdater (GitHub provider from app-update.yml); only called in a packaged app. */
export async function loadElectronUpdater(): Promise<UpdaterPort> {
  const updaterModule = await import('electron-updater');
  // electron-updater defines autoUpdater as a getter on module.exports, which
  // Node's CommonJS named-export detection cannot see: import() has it only on
  // `default` (checked against the real package: 'autoUpdater' in default, not in the namespace).
  return asUpdaterPort(updaterModule.default.autoUpdater);
}

/** What index.ts hands the tray app to enable updates. */
export interface UpdatesWiring {
  isPackaged: boolean;
  env: Record<string, string | undefined>;
  /** userData/updates.json */
  stateFile: string;
  load(): Promise<UpdaterPort>;
}

/** Starts the updater where updatesAvailability allows it; a failure to load it never stops the app. */
export async function startUpdates(
  wiring: UpdatesWiring | undefined,
  deps: Omit<UpdateControllerDeps, 'updater' | 'stateFile'>,
): Promise<UpdateController | null> {
  if (!wiring) return null;
  const availability = updatesAvailability(wiring);
  if (!availability.enabled) {
    deps.log('info', `updates off: ${availability.reason}`);
    return null;
  }
  try {
    const controller = new UpdateController({ ...deps, updater: await wiring.load(), stateFile: wiring.stateFile });
    await controller.start();
    return controller;
  } catch (err) {
    deps.log('warn', `updates unavailable: ${errorMessage(err)}`);
    return null;
  }
}
