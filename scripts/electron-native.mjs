#!/usr/bin/env node
/**
 * The start chain behind `npm start` and `npm run dev`:
 *
 *   node scripts/electron-native.mjs start   # Electron binary, better-sqlite3 for Electron, then `electron-vite preview` (one build)
 *   node scripts/electron-native.mjs dev     # the same, then `electron-vite dev`
 *   node scripts/electron-native.mjs         # only the first two steps (what the Electron spec and CI need)
 *
 * Each step does its work once (later runs find it done) and writes only
 * through a temporary folder renamed into place, so a failed or interrupted
 * run leaves nothing behind. A failure ends with one line saying what was
 * tried and what to do, and a non-zero exit code. electron-vite is handed the
 * binary through ELECTRON_EXEC_PATH (its getElectronPath() reads it first), so
 * ELECTRON_OVERRIDE_DIST_PATH works for it too.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureElectronBinary } from './start-chain/electron-binary.mjs';
import { ensureElectronSqlite } from './start-chain/electron-sqlite.mjs';
import { StartChainError } from './start-chain/errors.mjs';
import { detectSandbox } from './start-chain/linux-sandbox.mjs';
import { removeAll } from './start-chain/staging.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const VITE_COMMANDS = { start: ['preview'], dev: ['dev'] };

/** Ctrl-C or SIGTERM while fetching or building: remove what was half-written, then stop. */
function stopCleanlyOnSignals() {
  const handlers = ['SIGINT', 'SIGTERM'].map((signal) => {
    const handler = () => {
      console.error(`electron-native: interrupted (${signal}); removed the unfinished download or build`);
      void removeAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    };
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  return () => {
    for (const off of handlers) off();
  };
}

async function main() {
  const mode = process.argv[2];
  if (mode !== undefined && !(mode in VITE_COMMANDS))
    throw new StartChainError(`unknown command "${mode}" (expected start or dev)`);
  const electronDir = dirname(require.resolve('electron/package.json'));
  const stopHandlingSignals = stopCleanlyOnSignals();
  const exe = await ensureElectronBinary({ electronDir, stallMs: Number(process.env.NIGHTSHIFT_FETCH_STALL_MS) || 30_000 });
  await ensureElectronSqlite({ root, electronDir });
  // From here on, Ctrl-C belongs to Electron (forwarded below).
  stopHandlingSignals();
  if (mode === undefined) {
    console.log(`electron-native: ready (${exe})`);
    return 0;
  }
  const sandbox = await detectSandbox(exe);
  if (sandbox.noSandbox) console.log(`electron-native: ${sandbox.reason}`);
  return runElectronVite([...VITE_COMMANDS[mode], ...process.argv.slice(3)], {
    ...process.env,
    ELECTRON_EXEC_PATH: exe,
    ...(sandbox.noSandbox ? { NO_SANDBOX: '1' } : {}),
  });
}

/** electron-vite in a child (argument array, no shell); its exit code becomes ours, Ctrl-C reaches it. */
function runElectronVite(args, env) {
  const bin = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env, stdio: 'inherit' });
    const forward = (signal) => child.kill(signal);
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, forward);
    child.on('error', reject);
    child.on('exit', (code, signal) => resolveRun(code ?? (signal ? 1 : 0)));
  });
}

main().then(
  (code) => process.exit(code),
  (err) => {
    // A StartChainError is an expected condition: its message is the whole story. Anything else is a bug: show the stack.
    console.error(err instanceof StartChainError ? `electron-native: ${err.message}` : err);
    process.exit(1);
  },
);
