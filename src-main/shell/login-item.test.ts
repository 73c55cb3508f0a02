import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  applyLinuxAutostart,
  applyStartAtLogin,
  autostartDesktopEntry,
  autostartFilePath,
  launchCommand,
  quoteExecArg,
} from './login-item';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nightshift-autostart-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const packaged = { execPath: '/opt/Nightshift/nightshift', isPackaged: true, appPath: '/opt/Nightshift/resources/app.asar' };

describe('launchCommand', () => {
  it('starts the AppImage file itself when $APPIMAGE is set', () => {
    expect(launchCommand({ ...packaged, appImage: '/home/u/Apps/Nightshift-0.1.0.AppImage' })).toEqual([
      '/home/u/Apps/Nightshift-0.1.0.AppImage',
      '--hidden',
    ]);
  });
  it('uses the executable when packaged, and electron + app dir when not', () => {
    expect(launchCommand(packaged)).toEqual(['/opt/Nightshift/nightshift', '--hidden']);
    expect(launchCommand({ execPath: '/x/electron', isPackaged: false, appPath: '/src/nightshift' })).toEqual([
      '/x/electron',
      '/src/nightshift',
      '--hidden',
    ]);
  });
});

describe('desktop entry', () => {
  it('quotes Exec arguments per the Desktop Entry spec', () => {
    expect(quoteExecArg('/opt/app')).toBe('/opt/app');
    expect(quoteExecArg('/home/me/My Apps/N$1.AppImage')).toBe('"/home/me/My Apps/N\\$1.AppImage"');
    expect(quoteExecArg('100%')).toBe('100%%');
  });
  it('is an Application entry that starts hidden', () => {
    const entry = autostartDesktopEntry(['/opt/Nightshift/nightshift', '--hidden']);
    expect(entry).toContain('[Desktop Entry]\nType=Application\n');
    expect(entry).toContain('\nExec=/opt/Nightshift/nightshift --hidden\n');
    expect(entry).toContain('\nX-GNOME-Autostart-enabled=true\n');
  });
  it('lives in $XDG_CONFIG_HOME/autostart, defaulting to ~/.config', () => {
    expect(autostartFilePath({ XDG_CONFIG_HOME: '/cfg' }, '/home/u')).toBe('/cfg/autostart/nightshift.desktop');
    expect(autostartFilePath({}, '/home/u')).toBe('/home/u/.config/autostart/nightshift.desktop');
    // The spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
    expect(autostartFilePath({ XDG_CONFIG_HOME: 'rel/cfg' }, '/home/u')).toBe('/home/u/.config/autostart/nightshift.desktop');
  });
});

describe('Linux autostart file in a temporary XDG_CONFIG_HOME', () => {
  const linux = (env: NodeJS.ProcessEnv) => ({
    platform: 'linux' as const,
    app: { setLoginItemSettings: vi.fn() },
    env,
    home: '/nonexistent-home',
    target: packaged,
  });

  it('is created when turned on, not rewritten when unchanged, and removed when off', async () => {
    const deps = linux({ XDG_CONFIG_HOME: dir });
    const file = join(dir, 'autostart', 'nightshift.desktop');

    expect(await applyStartAtLogin(true, deps)).toBe('written');
    expect(await readFile(file, 'utf8')).toContain('Exec=/opt/Nightshift/nightshift --hidden');
    const first = await stat(file);

    // Launch again: same content → the file is left alone (same inode, same mtime).
    await new Promise((r) => setTimeout(r, 20));
    expect(await applyStartAtLogin(true, deps)).toBe('unchanged');
    const second = await stat(file);
    expect(second.ino).toBe(first.ino);
    expect(second.mtimeMs).toBe(first.mtimeMs);

    expect(await applyStartAtLogin(false, deps)).toBe('removed');
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await applyStartAtLogin(false, deps)).toBe('absent');
    expect(deps.app.setLoginItemSettings).not.toHaveBeenCalled();
  });

  it('rewrites the entry when the AppImage moved, pointing at the AppImage', async () => {
    const file = join(dir, 'autostart', 'nightshift.desktop');
    await applyLinuxAutostart(true, file, launchCommand({ ...packaged, appImage: '/old/Nightshift.AppImage' }));
    const change = await applyLinuxAutostart(
      true,
      file,
      launchCommand({ ...packaged, appImage: '/new place/Nightshift.AppImage' }),
    );
    expect(change).toBe('written');
    expect(await readFile(file, 'utf8')).toContain('Exec="/new place/Nightshift.AppImage" --hidden\n');
  });

  it('replaces a hand-edited entry', async () => {
    const file = join(dir, 'autostart', 'nightshift.desktop');
    await applyLinuxAutostart(true, file, ['/a', '--hidden']);
    await writeFile(file, '[Desktop Entry]\nExec=/something/else\n');
    expect(await applyLinuxAutostart(true, file, ['/a', '--hidden'])).toBe('written');
  });
});

describe('macOS and Windows login items', () => {
  it('go through app.setLoginItemSettings; Windows passes --hidden', async () => {
    const app = { setLoginItemSettings: vi.fn() };
    const common = { app, env: {}, home: '/h', target: { ...packaged, execPath: 'C:\\Nightshift\\Nightshift.exe' } };
    expect(await applyStartAtLogin(true, { ...common, platform: 'win32' })).toBe('set');
    expect(app.setLoginItemSettings).toHaveBeenLastCalledWith({
      openAtLogin: true,
      path: 'C:\\Nightshift\\Nightshift.exe',
      args: ['--hidden'],
    });
    await applyStartAtLogin(false, { ...common, platform: 'darwin' });
    expect(app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: false });
  });
});
