#!/usr/bin/env node
/**
 * `npm run dist` = `electron-vite build && node scripts/keep-node-build.mjs <electron-builder cli> --publish never`.
 *
 * electron-builder (npmRebuild: true) rebuilds native dependencies for
 * Electron's ABI *inside the project's own node_modules* (app-builder-lib's
 * installAppDependencies → installOrRebuild on projectDir), and leaves them
 * there: afterwards `npm test` fails with "compiled against a different
 * Node.js version". This wrapper moves each native package's build/ folder
 * aside before running the command and puts it back afterwards — on success,
 * failure, Ctrl-C or SIGTERM — so the work tree keeps its Node build. Moving
 * (rename) rather than copying also keeps hard-linked node_modules intact:
 * the rebuild writes new files instead of overwriting shared ones.
 *
 * A backup left by a run that was killed outright (SIGKILL, power loss) is
 * restored by the next run before it does anything else.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const NATIVE_PACKAGES = ['better-sqlite3'];
const BACKUP = 'build.node-abi-backup';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

function buildDirs() {
  return NATIVE_PACKAGES.map((name) => {
    const dir = dirname(require.resolve(`${name}/package.json`));
    return { name, build: join(dir, 'build'), backup: join(dir, BACKUP) };
  });
}

/** Puts every backed-up Node build back (dropping whatever the command built there). */
async function restore(dirs) {
  for (const { name, build, backup } of dirs) {
    if (!existsSync(backup)) continue;
    await rm(build, { recursive: true, force: true });
    await rename(backup, build);
    console.log(`keep-node-build: restored ${name}'s Node build`);
  }
}

async function main() {
  const [script, ...args] = process.argv.slice(2);
  if (!script) throw new Error('usage: node scripts/keep-node-build.mjs <node script> [args...]');
  const dirs = buildDirs();
  await restore(dirs);
  for (const { build, backup } of dirs) if (existsSync(build)) await rename(build, backup);

  const child = spawn(process.execPath, [resolve(root, script), ...args], { cwd: root, stdio: 'inherit' });
  // Ctrl-C goes to the command; we restore once it has exited.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      child.kill(signal);
    });
  }
  const code = await new Promise((done) => {
    child.on('error', (err) => {
      console.error(`keep-node-build: ${err.message}`);
      done(1);
    });
    child.on('exit', (exitCode, signal) => done(exitCode ?? (signal ? 1 : 0)));
  });
  await restore(dirs);
  return code;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`keep-node-build: ${err.message}`);
    process.exit(1);
  },
);
