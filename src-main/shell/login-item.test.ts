import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  applyLinuxAutostart,
  applyStartAtLogin,
  autostartDesktopEntry,
  autostartFilePath,
  devLaunchAgentPath,
  launchCommand,
  quoteExecArg,
} from './login-item';

function run(program: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(program, args, { env, timeout: 20_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${program}: ${stderr || err.message}`)) : resolve(stdout),
    ),
  );
}

const GIO = ['/usr/bin/gio', '/bin/gio'].find((p) => existsSync(p));
const PYTHON = ['/usr/bin/python3', '/bin/python3'].find((p) => existsSync(p));

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
    expect(quoteExecArg('')).toBe('""');
    expect(quoteExecArg('100%')).toBe('100%%');
  });
  it.runIf(GIO)(
    'reads back as the same argv through GLib (gio launch), backslashes, quotes, $, %, spaces and newlines included',
    async () => {
      const out = join(dir, 'argv.json');
      const script = join(dir, 'argv.cjs');
      await writeFile(script, `require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(2)));`);
      const args = ['C:\\dir\\n', 'a "b" c', '$HOME', '`id`', '100%', "it's", 'tab\tand\nnewline', '', '#(~)|&;<>*?', '\\\\'];
      const entry = join(dir, 'roundtrip.desktop');
      await writeFile(entry, autostartDesktopEntry([process.execPath, script, ...args]));
      await run(GIO!, ['launch', entry]);
      for (let i = 0; i < 100 && !existsSync(out); i++) await new Promise((r) => setTimeout(r, 100));
      expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(args);
    },
  );
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

  it('Windows from source: electron.exe with the (quoted) app path first, never bare Electron', async () => {
    const app = { setLoginItemSettings: vi.fn() };
    const target = {
      execPath: 'C:\\src\\node_modules\\electron\\dist\\electron.exe',
      isPackaged: false,
      appPath: 'C:\\My Code\\nightshift',
    };
    await applyStartAtLogin(true, { app, env: {}, home: 'C:\\Users\\u', target, platform: 'win32' });
    expect(app.setLoginItemSettings).toHaveBeenLastCalledWith({
      openAtLogin: true,
      path: target.execPath,
      args: ['"C:\\My Code\\nightshift"', '--hidden'],
    });
  });

  it('macOS from source: a LaunchAgent that runs electron with the app path, not the SMAppService item', async () => {
    const app = { setLoginItemSettings: vi.fn() };
    const home = join(dir, 'home');
    const target = {
      execPath: '/src/node_modules/electron/dist/Electron.app/Contents/MacOS/Electron',
      isPackaged: false,
      appPath: '/Users/u/R&D <1>/nightshift',
    };
    expect(await applyStartAtLogin(true, { app, env: {}, home, target, platform: 'darwin' })).toBe('written');
    expect(await applyStartAtLogin(true, { app, env: {}, home, target, platform: 'darwin' })).toBe('unchanged');
    expect(app.setLoginItemSettings).not.toHaveBeenCalled();
    const plist = await readFile(devLaunchAgentPath(home), 'utf8');
    if (PYTHON) {
      // A real plist parser reads back the argv, XML escapes included.
      const parsed = await run(PYTHON, [
        '-c',
        'import plistlib,sys,json; print(json.dumps(plistlib.loads(open(sys.argv[1],"rb").read())))',
        devLaunchAgentPath(home),
      ]);
      expect(JSON.parse(parsed)).toMatchObject({
        RunAtLoad: true,
        ProgramArguments: [target.execPath, target.appPath, '--hidden'],
      });
    } else {
      expect(plist).toContain('<string>/Users/u/R&amp;D &lt;1&gt;/nightshift</string>');
    }
    expect(await applyStartAtLogin(false, { app, env: {}, home, target, platform: 'darwin' })).toBe('removed');
  });
});
