import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { controlSocketPath } from '../../src-main/headless/control/protocol';
import { defaultDataDir, ensurePrivateDataDir, removePidFile, writePidFile } from '../../src-main/headless/data-dir';

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

  it('creates nested dirs with mode 0700 and tightens an existing one', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ns-datadir-'));
    const nested = join(dir, 'a', 'b');
    await ensurePrivateDataDir(nested);
    expect((await stat(nested)).mode & 0o777).toBe(0o700);
    const loose = join(dir, 'loose');
    await ensurePrivateDataDir(loose);
    await chmod(loose, 0o755);
    await ensurePrivateDataDir(loose);
    expect((await stat(loose)).mode & 0o777).toBe(0o700);
  });

  it('writes and removes the pid file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ns-datadir-'));
    const path = await writePidFile(dir, 4242);
    expect(await readFile(path, 'utf8')).toBe('4242\n');
    await removePidFile(dir);
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
  });
});
