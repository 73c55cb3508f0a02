/**
 * The Electron binary for `npm start` / `npm run dev`.
 *
 * electron-vite finds Electron only through node_modules/electron/path.txt,
 * which only Electron's own download writes, and Electron >= 42 downloads only
 * when `require('electron')` runs in Node (node_modules/electron/index.js, with
 * spawnSync). So the start chain fetches it here, once, the way
 * node_modules/electron/install.js (the `install-electron` bin) does — the same
 * @electron/get (resolved from electron's own folder), the same checksums.json,
 * cache and platform/arch overrides — with two differences:
 *   - a progress line from the first byte (install.js shows a bar only after 30 s);
 *   - extraction into a temporary folder beside dist/, renamed into place, and
 *     path.txt written last: an interrupted or offline run leaves nothing.
 * ELECTRON_OVERRIDE_DIST_PATH (Electron's own variable) skips all of it.
 */
import { execFile } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { StartChainError } from './errors.mjs';
import { release, stagingDir, sweep } from './staging.mjs';

/** What install.js's getPlatformPath() returns: the executable inside dist/. */
export function platformPath(platform) {
  switch (platform) {
    case 'mas':
    case 'darwin':
      return 'Electron.app/Contents/MacOS/Electron';
    case 'freebsd':
    case 'openbsd':
    case 'linux':
      return 'electron';
    case 'win32':
      return 'electron.exe';
    default:
      throw new StartChainError(`Electron builds are not available on platform ${platform}`);
  }
}

/** The release URL @electron/get fetches (its artifact-utils, without the npm_config_* spellings of the mirror). */
export function electronDownloadUrl(version, platform, arch, env) {
  const base = env.ELECTRON_MIRROR || 'https://github.com/electron/electron/releases/download/';
  const dir = (env.ELECTRON_CUSTOM_DIR || `v${version}`).replace('{{ version }}', version);
  const file = env.ELECTRON_CUSTOM_FILENAME || `electron-v${version}-${platform}-${arch}.zip`;
  return `${base}${dir}/${file}`;
}

const OVERRIDE_HINT =
  'or set ELECTRON_OVERRIDE_DIST_PATH to the folder of an Electron you already have (the folder that holds the electron executable)';

/**
 * Returns the Electron executable, fetching it first if node_modules/electron
 * has none. Throws a StartChainError whose message is the one line to show.
 */
export async function ensureElectronBinary({ electronDir, env = process.env, log = console.log, stallMs = 30_000 }) {
  const version = JSON.parse(await readFile(join(electronDir, 'package.json'), 'utf8')).version;
  const platform = env.ELECTRON_INSTALL_PLATFORM || env.npm_config_platform || process.platform;
  const exeInDist = platformPath(platform);

  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const overridden = join(env.ELECTRON_OVERRIDE_DIST_PATH, exeInDist);
    if (existsSync(overridden)) return overridden;
    throw new StartChainError(
      `ELECTRON_OVERRIDE_DIST_PATH is ${env.ELECTRON_OVERRIDE_DIST_PATH}, but ${overridden} does not exist: point it at the folder that holds ${exeInDist}`,
    );
  }

  const installed = join(electronDir, 'dist', exeInDist);
  if (await isInstalled(electronDir, version, exeInDist)) return installed;

  const arch = await targetArch(platform, env);
  const url = electronDownloadUrl(version, platform, arch, env);
  log(`electron-native: fetching Electron ${version} for ${platform}-${arch} once from ${url}`);
  await sweep(electronDir, '.dist-');
  const staging = await stagingDir(electronDir, '.dist-');
  try {
    const zip = await download({ electronDir, version, platform, arch, env, stallMs, log });
    const { extract } = await importFrom(electronDir, '@electron-internal/extract-zip');
    await extract(zip, { dir: staging });
    if (!existsSync(join(staging, exeInDist))) throw new Error(`the archive has no ${exeInDist}`);
    // Swap in the complete folder, then path.txt: readers (electron-vite,
    // electron/index.js) look at path.txt first, so it must come last.
    await rm(join(electronDir, 'path.txt'), { force: true });
    await rm(join(electronDir, 'dist'), { recursive: true, force: true });
    await rename(staging, join(electronDir, 'dist'));
    release(staging);
    await writeFile(join(electronDir, 'path.txt.tmp'), exeInDist);
    await rename(join(electronDir, 'path.txt.tmp'), join(electronDir, 'path.txt'));
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    release(staging);
    throw new StartChainError(
      `could not fetch Electron ${version} from ${url} (${oneLine(err)}). ` +
        `The first start needs the internet once to download it; ${OVERRIDE_HINT}, then run npm start again`,
    );
  }
  log(`electron-native: Electron ${version} is in ${join(electronDir, 'dist')}`);
  return installed;
}

/** install.js's isInstalled(): dist/version and path.txt agree with this package. */
async function isInstalled(electronDir, version, exeInDist) {
  try {
    const distVersion = (await readFile(join(electronDir, 'dist', 'version'), 'utf8')).replace(/^v/, '').trim();
    const pathTxt = await readFile(join(electronDir, 'path.txt'), 'utf8');
    return distVersion === version && pathTxt === exeInDist && existsSync(join(electronDir, 'dist', exeInDist));
  } catch {
    return false;
  }
}

/** install.js's arch choice, including the Rosetta check (asynchronous here). */
async function targetArch(platform, env) {
  const arch = env.ELECTRON_INSTALL_ARCH || env.npm_config_arch || process.arch;
  if (platform !== 'darwin' || process.platform !== 'darwin' || arch !== 'x64' || env.npm_config_arch !== undefined) return arch;
  const translated = await new Promise((resolve) => {
    execFile('sysctl', ['-in', 'sysctl.proc_translated'], { timeout: 5000 }, (err, stdout) => resolve(err ? '' : stdout.trim()));
  });
  return translated === '1' ? 'arm64' : arch;
}

/** @electron/get's downloadArtifact with install.js's options and a downloader that reports progress and gives up when stalled. */
async function download({ electronDir, version, platform, arch, env, stallMs, log }) {
  const { downloadArtifact } = await importFrom(electronDir, '@electron/get');
  return downloadArtifact({
    version,
    artifactName: 'electron',
    force: env.force_no_cache === 'true',
    cacheRoot: env.electron_config_cache,
    checksums:
      env.electron_use_remote_checksums || env.npm_config_electron_use_remote_checksums
        ? undefined
        : JSON.parse(await readFile(join(electronDir, 'checksums.json'), 'utf8')),
    platform,
    arch,
    downloader: { download: (url, target) => fetchWithProgress(url, target, stallMs, log) },
  });
}

async function fetchWithProgress(url, target, stallMs, log) {
  const controller = new AbortController();
  let stall = setTimeout(() => controller.abort(new Error(`no data for ${stallMs / 1000} s`)), stallMs);
  const touch = () => {
    clearTimeout(stall);
    stall = setTimeout(() => controller.abort(new Error(`no data for ${stallMs / 1000} s`)), stallMs);
  };
  try {
    await mkdir(dirname(target), { recursive: true });
    const response = await fetch(url, { signal: controller.signal });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    const total = Number(response.headers.get('content-length')) || 0;
    const progress = progressLine(total, log);
    let received = 0;
    await pipeline(
      Readable.fromWeb(response.body),
      async function* (source) {
        for await (const chunk of source) {
          touch();
          received += chunk.length;
          progress(received);
          yield chunk;
        }
      },
      createWriteStream(target),
      { signal: controller.signal },
    );
    progress(received, true);
  } finally {
    clearTimeout(stall);
  }
}

/** One line that rewrites itself on a terminal; every 10 % as separate lines otherwise (CI logs). */
function progressLine(total, log) {
  const mb = (n) => (n / 1e6).toFixed(1);
  let lastShown = -1;
  return (received, done = false) => {
    const percent = total ? Math.floor((received / total) * 100) : 0;
    const text = `electron-native: downloaded ${mb(received)} of ${total ? mb(total) : '?'} MB${total ? ` (${percent}%)` : ''}`;
    if (process.stdout.isTTY) {
      if (done || percent !== lastShown) process.stdout.write(`\r${text}${done ? '\n' : ''}`);
    } else if (done || Math.floor(percent / 10) !== Math.floor(lastShown / 10)) {
      log(text);
    }
    lastShown = percent;
  };
}

/** Loads a package the way electron/install.js would: resolved from electron's own folder. */
async function importFrom(electronDir, name) {
  const resolved = createRequire(join(electronDir, 'package.json')).resolve(name);
  return import(pathToFileURL(resolved).href);
}

/** An error and its cause on one line ("fetch failed: connect ECONNREFUSED 127.0.0.1:9"). */
export function oneLine(err) {
  const parts = [];
  for (let e = err; e && parts.length < 3; e = e.cause) parts.push(e.message || String(e));
  return parts.join(': ').replace(/\s+/g, ' ');
}
