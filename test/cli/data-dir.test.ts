import { chmod, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { controlSocketPath } from '../../src-main/api/control/protocol';
import { defaultDataDir, ensurePrivateDataDir, removePidFile, writePidFile } from '../../src-main/core/store/data-dir';

describe('defaultDataDir', () => {
  it('prefers $NIGHTSHIFT_HOME on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(defaultDataDir({ env: { NIGHTSHIFT_HOME: '/srv/ns', XDG_DATA_HOME: '/x' }, platform, home: '/home/u' })).toBe(
        '/srv/ns',
      );
    }
  });

  it('Linux: $XDG_DATA_HOME/nightshift, else ~/.local/share/nightshift', () => {
    expect(defaultDataDir({ env: { XDG_DATA_HOME: '/data' }, platform: 'linux', home: '/home/u' })).toBe('/data/nightshift');
    expect(defaultDataDir({ env: {}, platform: 'linux', home: '/home/u' })).toBe('/home/u/.local/share/nightshift');
  });

  it('Linux: ignores a relative $XDG_DATA_HOME, as the XDG spec requires', () => {
    expect(defaultDataDir({ env: { XDG_DATA_HOME: 'rel' }, platform: 'linux', home: '/home/u' })).toBe(
      '/home/u/.local/share/nightshift',
    );
  });

  it('macOS: ~/Library/Application Support/Nightshift', () => {
    expect(defaultDataDir({ env: {}, platform: 'darwin', home: '/Users/u' })).toBe(
      '/Users/u/Library/Application Support/Nightshift',
    );
  });

  it('Windows: %APPDATA%\\Nightshift, else the roaming profile under home', () => {
    expect(defaultDataDir({ env: { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, platform: 'win32', home: 'C:\\Users\\u' })).toBe(
      'C:\\Users\\u\\AppData\\Roaming\\Nightshift',
    );
    expect(defaultDataDir({ env: {}, platform: 'win32', home: 'C:\\Users\\u' })).toBe(
      'C:\\Users\\u\\AppData\\Roaming\\Nightshift',
    );
  });
});

describe('controlSocketPath', () => {
  it('is control.sock in the data dir on Unix', () => {
    expect(controlSocketPath('/tmp/ns', 'linux')).toBe('/tmp/ns/control.sock');
  });

  it('is a named pipe per data dir on Windows (case-insensitive paths give the same pipe)', () => {
    const a = controlSocketPath('C:\\Users\\u\\ns', 'win32');
    expect(a).toMatch(/^\\\\\.\\pipe\\nightshift-[0-9a-f]{24}$/);
    expect(controlSocketPath('c:\\users\\U\\NS', 'win32')).toBe(a);
    expect(controlSocketPath('C:\\Users\\u\\other', 'win32')).not.toBe(a);
  });

  it('refuses a data dir too long for a unix socket, naming the limit', () => {
    expect(() => controlSocketPath(`/tmp/${'x'.repeat(120)}`, 'linux')).toThrow(/over the 103-byte limit.*shorter --data-dir/);
  });
});

describe('private data dir and pid file', () => {
  let dir: string;
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates nested dirs with mode 0700', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ns-datadir-'));
    const nested = join(dir, 'a', 'b');
    await ensurePrivateDataDir(nested);
    expect((await stat(nested)).mode & 0o777).toBe(0o700);
  });

  it('never changes the mode of an existing directory (a --data-dir pointing at a project folder)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ns-datadir-'));
    const project = join(dir, 'project');
    await mkdir(project);
    await chmod(project, 0o755);
    await ensurePrivateDataDir(project);
    expect((await stat(project)).mode & 0o777).toBe(0o755);
  });

  it.each([0o775, 0o757, 0o777])(
    'refuses an existing directory others can write (mode %o), in one line, unchanged',
    async (mode) => {
      dir = await mkdtemp(join(tmpdir(), 'ns-datadir-'));
      const shared = join(dir, 'shared');
      await mkdir(shared);
      await chmod(shared, mode);
      const err = await ensurePrivateDataDir(shared).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(err?.message).toBe(
        `data dir ${shared} can be written by others (mode 0${mode.toString(8)}); run "chmod go-w ${shared}" or use another --data-dir`,
      );
      expect(err?.message).not.toContain('\n');
      expect((await stat(shared)).mode & 0o777).toBe(mode);
    },
  );

  it('writes and removes the pid file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ns-datadir-'));
    const path = await writePidFile(dir, 4242);
    expect(await readFile(path, 'utf8')).toBe('4242\n');
    await removePidFile(dir);
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
  });
});
