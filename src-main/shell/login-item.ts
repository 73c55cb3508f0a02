/**
 * Start at login, off by default and re-applied at every launch (the setting
 * lives in SQLite; the OS state follows it).
 * - macOS / Windows: `app.setLoginItemSettings` (Windows passes `--hidden`;
 *   macOS reports `wasOpenedAtLogin` instead, see launch-options.ts).
 * - Linux: an XDG autostart entry, `$XDG_CONFIG_HOME/autostart/nightshift.desktop`,
 *   written only when its content changes (so desktop environments watching the
 *   folder are not poked on every launch) and removed when turned off.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { Platform } from './tray-state';

export const HIDDEN_ARG = '--hidden';
export const AUTOSTART_FILE_NAME = 'nightshift.desktop';

export interface LaunchTarget {
  /** $APPIMAGE: the AppImage file itself (process.execPath points inside its temporary mount). */
  appImage?: string | undefined;
  execPath: string;
  isPackaged: boolean;
  /** The app directory, needed when running an unpackaged build through the electron binary. */
  appPath: string;
}

/** The argv that starts this app again, hidden. */
export function launchCommand(target: LaunchTarget): string[] {
  if (target.appImage && isAbsolute(target.appImage)) return [target.appImage, HIDDEN_ARG];
  if (target.isPackaged) return [target.execPath, HIDDEN_ARG];
  return [target.execPath, target.appPath, HIDDEN_ARG];
}

/**
 * Quotes one Exec argument per the Desktop Entry spec: arguments with reserved
 * characters go in double quotes, inside which `"`, `` ` ``, `$` and `\` are
 * escaped; a literal `%` is written `%%` (field codes).
 */
export function quoteExecArg(arg: string): string {
  const percent = arg.replaceAll('%', '%%');
  if (!/[\s"'\\><~|&;$*?#()`]/.test(percent)) return percent;
  return `"${percent.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function autostartDesktopEntry(command: string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Nightshift',
    'Comment=Runs local coding-agent daemons from the tray',
    `Exec=${command.map(quoteExecArg).join(' ')}`,
    'Icon=nightshift',
    'Terminal=false',
    'Categories=Development;',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** `$XDG_CONFIG_HOME/autostart/nightshift.desktop`, with the spec's default of `~/.config` (relative values are ignored, per the spec). */
export function autostartFilePath(env: NodeJS.ProcessEnv, home: string): string {
  const configured = env.XDG_CONFIG_HOME;
  const configHome = configured && isAbsolute(configured) ? configured : join(home, '.config');
  return join(configHome, 'autostart', AUTOSTART_FILE_NAME);
}

export type AutostartChange = 'written' | 'unchanged' | 'removed' | 'absent';

export async function applyLinuxAutostart(enabled: boolean, file: string, command: string[]): Promise<AutostartChange> {
  const existing = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (!enabled) {
    if (existing === null) return 'absent';
    await rm(file, { force: true });
    return 'removed';
  }
  const content = autostartDesktopEntry(command);
  if (existing === content) return 'unchanged';
  await mkdir(join(file, '..'), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, content, { mode: 0o644 });
  await rename(tmp, file);
  return 'written';
}

/** The slice of Electron's `app` this module needs (a fake in tests). */
export interface LoginItemApp {
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[]; path?: string }): void;
}

export interface LoginItemEnv {
  platform: Platform;
  app: LoginItemApp;
  target: LaunchTarget;
  env: NodeJS.ProcessEnv;
  home: string;
}

export async function applyStartAtLogin(enabled: boolean, deps: LoginItemEnv): Promise<AutostartChange | 'set'> {
  if (deps.platform === 'linux') {
    return applyLinuxAutostart(enabled, autostartFilePath(deps.env, deps.home), launchCommand(deps.target));
  }
  if (deps.platform === 'win32') {
    deps.app.setLoginItemSettings({ openAtLogin: enabled, path: deps.target.execPath, args: [HIDDEN_ARG] });
  } else {
    deps.app.setLoginItemSettings({ openAtLogin: enabled });
  }
  return 'set';
}
