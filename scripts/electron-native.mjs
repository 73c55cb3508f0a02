#!/usr/bin/env node
/**
 * Builds better-sqlite3 for Electron's ABI *beside* the Node build, so that
 * `npm start` runs the app from source while `npm test` keeps using the Node
 * build in node_modules. The Electron main process passes the result to
 * better-sqlite3's `nativeBinding` option (src-main/index.ts).
 *
 * Output: .electron-native/better_sqlite3.node, plus a stamp naming the
 * Electron and better-sqlite3 versions it was built for; a matching stamp
 * means there is nothing to do. Needs Electron's headers, which node-gyp
 * downloads once from electronjs.org (like Electron's own binary on first
 * launch), and a C++ toolchain (the same one `npm ci` used).
 */
import { spawn } from 'node:child_process';
import { copyFile, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const outDir = join(root, '.electron-native');
const output = join(outDir, 'better_sqlite3.node');
const stampFile = join(outDir, 'stamp.json');

const electronVersion = require('electron/package.json').version;
const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
const sqliteVersion = require('better-sqlite3/package.json').version;
const stamp = { electron: electronVersion, betterSqlite3: sqliteVersion, arch: process.arch, platform: process.platform };

async function upToDate() {
  try {
    const previous = JSON.parse(await readFile(stampFile, 'utf8'));
    await readFile(output);
    return JSON.stringify(previous) === JSON.stringify(stamp);
  } catch {
    return false;
  }
}

function run(command, args, cwd) {
  return new Promise((resolveRun, reject) => {
    // npm exports npm_config_nodedir (set where Node's headers are local): node-gyp
    // would then build against Node's headers, not Electron's. Drop it here.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.toLowerCase() !== 'npm_config_nodedir'));
    // An argument array, no shell; node-gyp's own output goes to the terminal.
    const child = spawn(command, args, { cwd, stdio: 'inherit', env });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolveRun() : reject(new Error(`${command} exited with ${code}`))));
  });
}

async function main() {
  if (await upToDate()) {
    console.log(`electron-native: better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} is built`);
    return;
  }
  console.log(`electron-native: building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (${process.arch})…`);
  // Build in a copy: node_modules/better-sqlite3/build must stay the Node build.
  const work = join(outDir, 'src');
  await rm(work, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await cp(sqliteDir, work, { recursive: true, filter: (src) => !src.startsWith(join(sqliteDir, 'build')) });
  const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
  try {
    await build(nodeGyp, work);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  console.log(`electron-native: wrote ${output}`);
}

async function build(nodeGyp, work) {
  await run(
    process.execPath,
    [
      nodeGyp,
      'rebuild',
      '--release',
      `--target=${electronVersion}`,
      `--arch=${process.arch}`,
      '--runtime=electron',
      '--dist-url=https://electronjs.org/headers',
    ],
    work,
  );
  await copyFile(join(work, 'build', 'Release', 'better_sqlite3.node'), output);
  await writeFile(stampFile, `${JSON.stringify(stamp, null, 2)}\n`);
}

main().catch((err) => {
  console.error(`electron-native: ${err.message}`);
  console.error('electron-native: the app needs better-sqlite3 built for Electron; see docs/electron.md');
  process.exit(1);
});
