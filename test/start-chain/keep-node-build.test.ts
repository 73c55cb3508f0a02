/**
 * `npm run dist` leaves node_modules' better-sqlite3 at Node's ABI
 * (scripts/keep-node-build.mjs), whatever the packaging command does to it:
 * run with a stand-in for electron-builder that overwrites the build the way
 * its rebuild does, then the real better-sqlite3 of the copy must still open
 * a database under Node.
 */
import { spawn } from 'node:child_process';
import { cp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirsPerTest } from '../support/temp-dir';
import { cleanEnv, ROOT, run } from './fixtures';

const SQLITE = join(ROOT, 'node_modules/better-sqlite3');
const NATIVE = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';

/** Stands in for electron-builder's in-place rebuild: replaces the Node build, then exits, hangs or kills its parent. */
const FAKE_BUILDER = `
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
rmSync('node_modules/better-sqlite3/build', { recursive: true, force: true });
mkdirSync('node_modules/better-sqlite3/build/Release', { recursive: true });
writeFileSync('${NATIVE}', 'built for Electron');
const mode = process.argv[2];
if (mode === 'kill-parent') process.kill(process.ppid, 'SIGKILL');
if (mode === 'hang') { console.log('rebuilt'); setInterval(() => {}, 1000); }
else process.exit(Number(mode) || 0);
`;

describe.skipIf(process.platform === 'win32')('keep-node-build (npm run dist)', () => {
  const tempDir = tempDirsPerTest();

  async function project() {
    const dir = tempDir();
    await cp(join(ROOT, 'package.json'), join(dir, 'package.json'));
    await cp(join(ROOT, 'scripts'), join(dir, 'scripts'), { recursive: true });
    await writeFile(join(dir, 'fake-builder.mjs'), FAKE_BUILDER);
    // A copy of better-sqlite3 (without its C sources) that the fake may overwrite; everything else linked.
    await cp(SQLITE, join(dir, 'node_modules/better-sqlite3'), {
      recursive: true,
      filter: (src) => !src.startsWith(join(SQLITE, 'deps')) && !src.startsWith(join(SQLITE, 'src')),
    });
    for (const entry of await readdir(join(ROOT, 'node_modules'))) {
      if (entry !== 'better-sqlite3') await symlink(join(ROOT, 'node_modules', entry), join(dir, 'node_modules', entry));
    }
    return dir;
  }

  async function sqliteWorks(dir: string) {
    const check = "const D = require('better-sqlite3'); console.log(new D(':memory:').prepare('select 41 + 1 as x').get().x)";
    const result = await run(process.execPath, ['-e', check], dir, cleanEnv({}));
    return result.stdout.trim() === '42';
  }

  it('restores the Node build after the packager rebuilt it, and passes its exit code on', async () => {
    const dir = await project();
    const original = await readFile(join(dir, NATIVE));
    for (const code of [0, 3]) {
      const result = await run(
        process.execPath,
        ['scripts/keep-node-build.mjs', 'fake-builder.mjs', String(code)],
        dir,
        cleanEnv({}),
      );
      expect(result.code).toBe(code);
      expect(result.stdout).toContain("restored better-sqlite3's Node build");
      expect((await readFile(join(dir, NATIVE))).equals(original)).toBe(true);
      expect(await readdir(join(dir, 'node_modules/better-sqlite3'))).not.toContain('build.node-abi-backup');
    }
    expect(await sqliteWorks(dir)).toBe(true);
  });

  it('restores it when the packaging is interrupted with Ctrl-C', async () => {
    const dir = await project();
    const wrapper = spawn(process.execPath, ['scripts/keep-node-build.mjs', 'fake-builder.mjs', 'hang'], {
      cwd: dir,
      env: cleanEnv({}),
    });
    await new Promise<void>((ready) => {
      wrapper.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('rebuilt')) ready();
      });
    });
    expect(await readFile(join(dir, NATIVE), 'utf8')).toBe('built for Electron');
    const exited = new Promise<number | null>((done) => wrapper.on('exit', (code) => done(code)));
    wrapper.kill('SIGINT');
    expect(await exited).not.toBe(0);
    expect(await sqliteWorks(dir)).toBe(true);
  });

  it('a run killed outright is repaired by the next run before it starts', async () => {
    const dir = await project();
    const killed = await run(
      process.execPath,
      ['scripts/keep-node-build.mjs', 'fake-builder.mjs', 'kill-parent'],
      dir,
      cleanEnv({}),
    );
    expect(killed.code).toBeNull();
    expect(await sqliteWorks(dir)).toBe(false);
    const next = await run(process.execPath, ['scripts/keep-node-build.mjs', 'fake-builder.mjs', '0'], dir, cleanEnv({}));
    expect(next.code).toBe(0);
    expect(await sqliteWorks(dir)).toBe(true);
  });
});
