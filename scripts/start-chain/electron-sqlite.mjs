/**
 * better-sqlite3 for Electron's ABI, *beside* the Node build: `npm start` runs
 * the app from source while `npm test` keeps node_modules' Node build. The
 * main process passes the result to better-sqlite3's `nativeBinding` option
 * (src-main/index.ts looks for .electron-native/better_sqlite3.node).
 *
 * 1. The prebuilt binary first: `prebuild-install --runtime=electron
 *    --target=<electron version>` in a copy of the package (better-sqlite3
 *    publishes one per Electron ABI on its GitHub releases).
 * 2. Only if that fails, compile: `node-gyp rebuild --runtime=electron`, which
 *    needs Electron's headers (fetched once from electronjs.org) and a C++
 *    toolchain — see COMPILE_TOOLCHAIN.
 * Everything happens in a temporary folder that is renamed to .electron-native
 * when complete; a stamp names the versions, so a second start does nothing.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { StartChainError } from './errors.mjs';
import { release, stagingDir, sweep } from './staging.mjs';

/** What the compile fallback needs, per OS (node-gyp's own requirements). */
export const COMPILE_TOOLCHAIN = {
  linux: 'python3, make and g++ (Debian/Ubuntu: apt install python3 make g++)',
  darwin: 'the Xcode Command Line Tools (xcode-select --install)',
  win32: 'Python 3 and Visual Studio Build Tools with "Desktop development with C++"',
};

export function toolchainFor(platform) {
  return COMPILE_TOOLCHAIN[platform] ?? COMPILE_TOOLCHAIN.linux;
}

/** The asset prebuild-install asks GitHub for (its util.js template, default host). */
export function prebuiltUrl({ sqliteVersion, abi, platform, arch }) {
  return `https://github.com/WiseLibs/better-sqlite3/releases/download/v${sqliteVersion}/better-sqlite3-v${sqliteVersion}-electron-v${abi}-${platform}-${arch}.tar.gz`;
}

export async function ensureElectronSqlite({ root, electronDir, env = process.env, log = console.log }) {
  const require = createRequire(join(root, 'package.json'));
  const electronPkg = JSON.parse(await readFile(join(electronDir, 'package.json'), 'utf8'));
  const abi = (await readFile(join(electronDir, 'abi_version'), 'utf8')).trim();
  const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
  const sqliteVersion = JSON.parse(await readFile(join(sqliteDir, 'package.json'), 'utf8')).version;
  const { platform, arch } = process;
  const stamp = { electron: electronPkg.version, abi, betterSqlite3: sqliteVersion, platform, arch };
  const outDir = join(root, '.electron-native');
  const output = join(outDir, 'better_sqlite3.node');

  if (await upToDate(outDir, output, stamp)) return output;

  await sweep(root, '.electron-native.tmp-');
  const staging = await stagingDir(root, '.electron-native.tmp-');
  const logFile = join(tmpdir(), 'nightshift-electron-native.log');
  const children = { env: buildEnv(env), logFile };
  await writeFile(logFile, '');
  try {
    const work = join(staging, 'better-sqlite3');
    await cp(sqliteDir, work, { recursive: true, filter: (src) => !src.startsWith(join(sqliteDir, 'build')) });
    const url = prebuiltUrl({ sqliteVersion, abi, platform, arch });
    log(
      `electron-native: better-sqlite3 ${sqliteVersion} for Electron ${electronPkg.version} (ABI ${abi}): fetching the prebuilt binary`,
    );
    let prebuiltError = null;
    try {
      await run(
        require.resolve('prebuild-install/bin.js'),
        prebuildArgs(electronPkg.version, platform, arch),
        work,
        children,
        120_000,
      );
    } catch (err) {
      prebuiltError = err;
      log(
        `electron-native: no prebuilt binary (${err.message}); compiling instead — needs ${toolchainFor(platform)}; output in ${logFile}`,
      );
      try {
        await run(
          require.resolve('node-gyp/bin/node-gyp.js'),
          nodeGypArgs(electronPkg.version, arch, env),
          work,
          children,
          20 * 60_000,
        );
      } catch (compileError) {
        throw new StartChainError(
          `could not get better-sqlite3 ${sqliteVersion} for Electron ${electronPkg.version}: the prebuilt ${url} failed (${prebuiltError.message}) ` +
            `and compiling failed (${compileError.message}; it needs Electron's headers from electronjs.org once and ${toolchainFor(platform)}; output in ${logFile})`,
        );
      }
    }
    const result = join(staging, 'out');
    await mkdir(result);
    await copyFile(join(work, 'build', 'Release', 'better_sqlite3.node'), join(result, 'better_sqlite3.node'));
    await writeFile(join(result, 'stamp.json'), `${JSON.stringify(stamp, null, 2)}\n`);
    await rm(outDir, { recursive: true, force: true });
    await rename(result, outDir);
  } catch (err) {
    if (err instanceof StartChainError) throw err;
    throw new StartChainError(`could not build better-sqlite3 for Electron: ${err.message}`);
  } finally {
    await rm(staging, { recursive: true, force: true });
    release(staging);
  }
  log(`electron-native: wrote ${output}`);
  return output;
}

function prebuildArgs(version, platform, arch) {
  return ['--runtime=electron', `--target=${version}`, `--arch=${arch}`, `--platform=${platform}`, '--verbose'];
}

function nodeGypArgs(version, arch, env) {
  const args = ['rebuild', '--release', `--target=${version}`, `--arch=${arch}`, '--runtime=electron'];
  // node-gyp also reads npm_config_dist_url; an explicit flag would override it.
  if (!env.npm_config_dist_url) args.push('--dist-url=https://electronjs.org/headers');
  return args;
}

/** npm exports npm_config_nodedir where Node's headers are local (.ci/run): node-gyp would then build against Node's, not Electron's. */
function buildEnv(env) {
  return Object.fromEntries(Object.entries(env).filter(([k]) => k.toLowerCase() !== 'npm_config_nodedir'));
}

async function upToDate(outDir, output, stamp) {
  try {
    const previous = JSON.parse(await readFile(join(outDir, 'stamp.json'), 'utf8'));
    return existsSync(output) && JSON.stringify(previous) === JSON.stringify(stamp);
  } catch {
    return false;
  }
}

/** Runs a Node script (argument array, no shell) with its output appended to the log file, bounded in time. */
async function run(script, args, cwd, { env, logFile }, timeoutMs) {
  const logHandle = await open(logFile, 'a');
  try {
    await logHandle.write(`\n$ node ${script} ${args.join(' ')}  (in ${cwd})\n`);
    await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [script, ...args], {
        cwd,
        env,
        stdio: ['ignore', logHandle.fd, logHandle.fd],
        signal: AbortSignal.timeout(timeoutMs),
        windowsHide: true,
      });
      child.on('error', (err) => reject(err.name === 'AbortError' ? new Error(`gave up after ${timeoutMs / 1000} s`) : err));
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit code ${code}`))));
    });
  } catch (err) {
    throw new Error(`${err.message}: ${await lastLine(logFile)}`);
  } finally {
    await logHandle.close();
  }
}

/** The child's failure in a few words, for the one-line summary (its full output stays in the log). */
export function summariseLog(text) {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const headers = text.match(/gyp http GET (\S+)/g);
  if (headers && text.includes('got an error')) return `could not fetch ${headers.at(-1).replace('gyp http GET ', '')}`;
  const prebuild = lines.findLast((l) => /^prebuild-install (warn|ERR!)/.test(l));
  if (prebuild) return prebuild;
  const gypError = lines.find((l) => l.includes('ERR!') && !l.includes(' stack '));
  return (gypError ?? lines.at(-1) ?? '').slice(0, 200);
}

async function lastLine(logFile) {
  return summariseLog(await readFile(logFile, 'utf8'));
}
