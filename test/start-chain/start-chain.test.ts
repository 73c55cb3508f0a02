/**
 * `npm start`'s chain (scripts/electron-native.mjs), run for real in a copy
 * of the project: Electron's own @electron/get, prebuild-install and node-gyp
 * as child processes, with GitHub replaced by loopback mirrors (or by a port
 * nothing listens on, which is what "offline" looks like to them).
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { platformPath } from '../../scripts/start-chain/electron-binary.mjs';
import { tempDirsPerTest } from '../support/temp-dir';
import { cleanEnv, closedPort, copyProject, fakeElectron, listTree, ROOT, run, startMirror } from './fixtures';

const ELECTRON_VERSION: string = JSON.parse(await readFile(join(ROOT, 'node_modules/electron/package.json'), 'utf8')).version;
const SQLITE_VERSION: string = JSON.parse(await readFile(join(ROOT, 'node_modules/better-sqlite3/package.json'), 'utf8')).version;
const ABI = (await readFile(join(ROOT, 'node_modules/electron/abi_version'), 'utf8')).trim();
const ZIP_NAME = `electron-v${ELECTRON_VERSION}-${process.platform}-${process.arch}.zip`;
const PREBUILT_NAME = `better-sqlite3-v${SQLITE_VERSION}-electron-v${ABI}-${process.platform}-${process.arch}.tar.gz`;
const EXE = platformPath(process.platform);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Lines the chain itself printed (npm adds its own banner). */
const chainLines = (text: string) => text.split('\n').filter((l) => l.startsWith('electron-native:'));

describe.skipIf(process.platform === 'win32')('npm start chain', () => {
  const tempDir = tempDirsPerTest();

  async function project() {
    const dir = tempDir();
    await copyProject(dir);
    return dir;
  }

  it('offline, npm start ends with one clear line, a non-zero exit code, and nothing written', async () => {
    const dir = await project();
    const offline = await closedPort();
    const before = await listTree(dir);
    const electronBefore = await listTree(join(dir, 'node_modules/electron'));
    // A leftover of a run that was killed outright is swept, not kept.
    await mkdir(join(dir, 'node_modules/electron/.dist-killed'));

    const result = await run(NPM, ['start'], dir, cleanEnv({ ELECTRON_MIRROR: `${offline}/`, electron_config_cache: tempDir() }));

    expect(result.code).not.toBe(0);
    expect(result.ms).toBeLessThan(120_000);
    const errors = chainLines(result.stderr);
    expect(errors).toHaveLength(1);
    expect(result.stderr.trim().split('\n').at(-1)).toBe(errors[0]);
    expect(errors[0]).toContain(`could not fetch Electron ${ELECTRON_VERSION} from ${offline}/v${ELECTRON_VERSION}/${ZIP_NAME}`);
    expect(errors[0]).toContain('needs the internet once');
    expect(errors[0]).toContain('ELECTRON_OVERRIDE_DIST_PATH');
    // The progress line went first, and nothing was left behind: no .electron-native, no partial dist/, no path.txt.
    expect(chainLines(result.stdout)[0]).toContain(`fetching Electron ${ELECTRON_VERSION}`);
    expect(await listTree(dir)).toEqual(before);
    expect(await listTree(join(dir, 'node_modules/electron'))).toEqual(electronBefore);
  });

  it('a download that stalls is given up (bounded), with the one line', async () => {
    const dir = await project();
    const mirror = await startMirror({}, [`/v${ELECTRON_VERSION}/${ZIP_NAME}`]);
    try {
      const env = cleanEnv({
        ELECTRON_MIRROR: `${mirror.url}/`,
        electron_config_cache: tempDir(),
        NIGHTSHIFT_FETCH_STALL_MS: '1000',
      });
      const result = await run(process.execPath, ['scripts/electron-native.mjs'], dir, env);
      expect(result.code).toBe(1);
      const [line, ...more] = chainLines(result.stderr);
      expect(more).toEqual([]);
      expect(line).toContain(`could not fetch Electron ${ELECTRON_VERSION} from ${mirror.url}/`);
      expect(line).toContain('no data for 1 s');
      expect((await listTree(join(dir, 'node_modules/electron'))).filter((f) => f.startsWith('.dist-') || f === 'dist')).toEqual(
        [],
      );
    } finally {
      await mirror.close();
    }
  });

  it('Ctrl-C during the download removes the unfinished folder', async () => {
    const dir = await project();
    const electronDir = join(dir, 'node_modules/electron');
    const before = await listTree(electronDir);
    const mirror = await startMirror({}, [`/v${ELECTRON_VERSION}/${ZIP_NAME}`]);
    try {
      const env = cleanEnv({ ELECTRON_MIRROR: `${mirror.url}/`, electron_config_cache: tempDir() });
      const chain = spawn(process.execPath, ['scripts/electron-native.mjs'], { cwd: dir, env });
      let stderr = '';
      chain.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const exited = new Promise<number | null>((done) => chain.on('exit', (code) => done(code)));
      // Interrupt once the download is under way and its folder exists.
      await expect.poll(() => mirror.requests.length > 0, { timeout: 30_000 }).toBe(true);
      await expect
        .poll(async () => (await readdir(electronDir)).some((f) => f.startsWith('.dist-')), { timeout: 30_000 })
        .toBe(true);
      chain.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(chainLines(stderr)).toEqual(['electron-native: interrupted (SIGINT); removed the unfinished download or build']);
      expect(await listTree(electronDir)).toEqual(before);
    } finally {
      await mirror.close();
    }
  });

  it('ELECTRON_OVERRIDE_DIST_PATH without an Electron in it is one line, not a download', async () => {
    const dir = await project();
    const empty = tempDir();
    const result = await run(
      process.execPath,
      ['scripts/electron-native.mjs'],
      dir,
      cleanEnv({ ELECTRON_OVERRIDE_DIST_PATH: empty }),
    );
    expect(result.code).toBe(1);
    expect(chainLines(result.stderr)).toEqual([
      `electron-native: ELECTRON_OVERRIDE_DIST_PATH is ${empty}, but ${join(empty, EXE)} does not exist: point it at the folder that holds ${EXE}`,
    ]);
    expect(result.stdout).not.toContain('fetching');
  });

  it('offline, the better-sqlite3 step tries the prebuilt binary, then compiling, and ends with one line naming both', async () => {
    const dir = await project();
    const offline = await closedPort();
    const before = await listTree(dir);
    const env = cleanEnv({
      ELECTRON_OVERRIDE_DIST_PATH: await fakeElectron(tempDir()),
      npm_config_better_sqlite3_binary_host: offline,
      npm_config_dist_url: offline,
      npm_config_devdir: tempDir(),
      npm_config_cache: tempDir(),
    });
    const result = await run(process.execPath, ['scripts/electron-native.mjs', 'start'], dir, env);
    expect(result.code).toBe(1);
    const [line, ...more] = chainLines(result.stderr);
    expect(more).toEqual([]);
    expect(line).toContain(`could not get better-sqlite3 ${SQLITE_VERSION} for Electron ${ELECTRON_VERSION}`);
    expect(line).toContain(
      `the prebuilt https://github.com/WiseLibs/better-sqlite3/releases/download/v${SQLITE_VERSION}/${PREBUILT_NAME} failed`,
    );
    expect(line).toContain(`could not fetch ${offline}/v${ELECTRON_VERSION}/node-v${ELECTRON_VERSION}-headers.tar.gz`);
    expect(line).toMatch(process.platform === 'darwin' ? /Xcode Command Line Tools/ : /python3, make and g\+\+/);
    expect(chainLines(result.stdout).join('\n')).toContain('compiling instead');
    expect(await listTree(dir)).toEqual(before);
  });

  it('fetches Electron and the prebuilt better-sqlite3 once, moves them into place, and hands electron-vite one build and the binary', async () => {
    const dir = await project();
    const exe = new TextEncoder().encode('#!/bin/sh\necho fake\n');
    const zip = Buffer.from(
      zipSync({ [EXE]: [exe, { os: 3, attrs: 0o100755 << 16 }], version: new TextEncoder().encode(`v${ELECTRON_VERSION}`) }),
    );
    const electronMirror = await startMirror({
      [`/v${ELECTRON_VERSION}/${ZIP_NAME}`]: zip,
      [`/v${ELECTRON_VERSION}/SHASUMS256.txt`]: `${createHash('sha256').update(zip).digest('hex')} *${ZIP_NAME}\n`,
    });
    const prebuilt = await prebuiltTarball(tempDir(), 'not really a .node, but the chain only moves it');
    const sqliteMirror = await startMirror({ [`/v${SQLITE_VERSION}/${PREBUILT_NAME}`]: prebuilt });
    const env = cleanEnv({
      ELECTRON_MIRROR: `${electronMirror.url}/`,
      electron_use_remote_checksums: '1',
      electron_config_cache: tempDir(),
      npm_config_better_sqlite3_binary_host: sqliteMirror.url,
      npm_config_cache: tempDir(),
    });
    try {
      const first = await run(process.execPath, ['scripts/electron-native.mjs'], dir, env);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(chainLines(first.stdout).some((l) => /downloaded .* MB \(100%\)/.test(l))).toBe(true);
      expect(await readFile(join(dir, 'node_modules/electron/path.txt'), 'utf8')).toBe(EXE);
      expect(existsSync(join(dir, 'node_modules/electron/dist', EXE))).toBe(true);
      expect(await readFile(join(dir, '.electron-native/better_sqlite3.node'), 'utf8')).toBe(
        'not really a .node, but the chain only moves it',
      );
      expect(JSON.parse(await readFile(join(dir, '.electron-native/stamp.json'), 'utf8'))).toMatchObject({
        electron: ELECTRON_VERSION,
        abi: ABI,
      });
      expect((await listTree(dir)).filter((f) => f.includes('.tmp-') || f.includes('.dist-'))).toEqual([]);
      const downloads = [...electronMirror.requests, ...sqliteMirror.requests];

      const second = await run(process.execPath, ['scripts/electron-native.mjs'], dir, env);
      expect(second.code).toBe(0);
      expect(chainLines(second.stdout)).toEqual([`electron-native: ready (${join(dir, 'node_modules/electron/dist', EXE)})`]);
      expect([...electronMirror.requests, ...sqliteMirror.requests]).toEqual(downloads);
    } finally {
      await electronMirror.close();
      await sqliteMirror.close();
    }
  });

  it('npm start builds once and starts the Electron it was given', async () => {
    const dir = await project();
    await mkdir(join(dir, '.electron-native'));
    // A current stamp: the better-sqlite3 step has nothing to do.
    const stamp = {
      electron: ELECTRON_VERSION,
      abi: ABI,
      betterSqlite3: SQLITE_VERSION,
      platform: process.platform,
      arch: process.arch,
    };
    await writeFile(join(dir, '.electron-native/stamp.json'), `${JSON.stringify(stamp, null, 2)}\n`);
    await writeFile(join(dir, '.electron-native/better_sqlite3.node'), '');
    const electronDir = await fakeElectron(tempDir());
    const result = await run(NPM, ['start'], dir, cleanEnv({ ELECTRON_OVERRIDE_DIST_PATH: electronDir }), 240_000);
    expect(result.code).toBe(0);
    const output = result.stdout + result.stderr;
    expect(output).toMatch(/fake electron ran with: \./);
    // electron-vite builds main, preload and renderer: three "building" lines once, six if it built twice.
    expect(output.match(/building (client|ssr) environment/g)).toHaveLength(3);
    expect(existsSync(join(dir, 'out/main/index.js'))).toBe(true);
    if (process.getuid?.() === 0) expect(output).toContain('--no-sandbox');
  }, 240_000);
});

async function prebuiltTarball(dir: string, content: string): Promise<Buffer> {
  await mkdir(join(dir, 'build/Release'), { recursive: true });
  await writeFile(join(dir, 'build/Release/better_sqlite3.node'), content);
  await promisify(execFile)('tar', ['-czf', 'prebuilt.tar.gz', 'build'], { cwd: dir });
  return readFile(join(dir, 'prebuilt.tar.gz'));
}
