/**
 * Start at login, off by default and re-applied at every launch (the setting
 * lives in SQLite; the OS state follows it).
 * - macOS / Windows: `app.setLoginItemSettings` (Windows passes `--hidden`;
 *   macOS reports `wasOpenedAtLogin` instead, see launch-options.ts). Run
 *   from source, Windows registers electron.exe with the app path as its first
 *   argument and macOS a LaunchAgent with the same argv (never bare Electron).
 * - Linux: an XDG autostart entry, `$XDG_CONFIG_HOME/autostart/nightshift.desktop`,
 *   written only when its content changes (so desktop environments watching the
 *   folder are not poked on every launch) and removed when turned off.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { App } from 'electron';
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
 * Quotes one Exec argument per the Desktop Entry spec ("The Exec key"): an
 * argument with a reserved character (or an empty one) goes in double quotes,
 * inside which `"`, `` ` ``, `$` and `\` are backslash-escaped; a literal `%`
 * is written `%%` (field codes).
 */
export function quoteExecArg(arg: string): string {
  const percent = arg.replaceAll('%', '%%');
  if (percent !== '' && !/[\s"'\\><~|&;$*?#()`]/.test(percent)) return percent;
  return `"${percent.replace(/(["`$\\])/g, '\\$1')}"`;
}

/**
 * The Exec value: quoted arguments joined by spaces, then the general string
 * escapes of a desktop entry value (`\\`, `\n`, `\t`, `\r`), which readers
 * undo *before* unquoting — so a backslash from the quoting rule is written
 * twice. GLib (`gio launch`) reads it back to the same argv (login-item.test.ts).
 */
export function execValue(command: readonly string[]): string {
  return command
    .map(quoteExecArg)
    .join(' ')
    .replace(/[\\\n\t\r]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r' })[c] ?? c);
}

export function autostartDesktopEntry(command: string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Nightshift',
    'Comment=Runs local coding-agent daemons from the tray',
    `Exec=${execValue(command)}`,
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
  return applyLoginFile(enabled, file, autostartDesktopEntry(command));
}

/**
 * macOS, unpackaged (`npm start`): `app.setLoginItemSettings` registers the
 * running bundle through SMAppService, which here is Electron.app itself —
 * started at login it would open Electron's default app, not Nightshift, and
 * macOS takes no arguments for it. A per-user LaunchAgent can carry the app
 * path: `~/Library/LaunchAgents/dev.nightshift.app.dev.plist` runs
 * `[electron, appPath, --hidden]` at login (RunAtLoad), nothing else.
 */
export const DEV_LAUNCH_AGENT_LABEL = 'dev.nightshift.app.dev';

export function devLaunchAgentPath(home: string): string {
  return join(home, 'Library', 'LaunchAgents', `${DEV_LAUNCH_AGENT_LABEL}.plist`);
}

const xml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

export function devLaunchAgentPlist(command: readonly string[]): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    '  <key>Label</key>',
    `  <string>${DEV_LAUNCH_AGENT_LABEL}</string>`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...command.map((arg) => `    <string>${xml(arg)}</string>`),
    '  </array>',
    '  <key>RunAtLoad</key>',
    '  <true/>',
    '  <key>ProcessType</key>',
    '  <string>Interactive</string>',
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}

/** Writes `content` to `file` only when it differs (watchers are not poked), removes it when disabled. */
async function applyLoginFile(enabled: boolean, file: string, content: string): Promise<AutostartChange> {
  const existing = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (!enabled) {
    if (existing === null) return 'absent';
    await rm(file, { force: true });
    return 'removed';
  }
  if (existing === content) return 'unchanged';
  await mkdir(join(file, '..'), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, content, { mode: 0o644 });
  await rename(tmp, file);
  return 'written';
}

/** The slice of Electron's `app` this module needs (a fake in tests). */
export type LoginItemApp = Pick<App, 'setLoginItemSettings'>;

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
    // Unpackaged, execPath is electron.exe: the app path goes first, quoted (Electron's docs: "wrap paths in quotes").
    const args = deps.target.isPackaged ? [HIDDEN_ARG] : [`"${deps.target.appPath}"`, HIDDEN_ARG];
    deps.app.setLoginItemSettings({ openAtLogin: enabled, path: deps.target.execPath, args });
    return 'set';
  }
  if (!deps.target.isPackaged) {
    return applyLoginFile(enabled, devLaunchAgentPath(deps.home), devLaunchAgentPlist(launchCommand(deps.target)));
  }
  deps.app.setLoginItemSettings({ openAtLogin: enabled });
  return 'set';
}
