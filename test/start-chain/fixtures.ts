/**
 * A throw-away copy of the project for running its start chain: package.json
 * and scripts/ copied, an electron package of its own (small files copied, so
 * a download lands here and not in the real node_modules), every other
 * dependency symlinked. Plus loopback HTTP mirrors standing in for GitHub.
 */
import { spawn } from 'node:child_process';
import { chmod, cp, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { platformPath } from '../../scripts/start-chain/electron-binary.mjs';

export const ROOT = resolve(__dirname, '../..');
const ELECTRON_FILES = ['package.json', 'checksums.json', 'abi_version', 'index.js', 'install.js', 'cli.js', 'electron.d.ts'];
/** What electron-vite needs to build the app: sources linked (read only), configs copied (so out/ lands in the copy). */
const SOURCES = ['src-main', 'src-shared', 'src-renderer', 'resources'];
const CONFIGS = ['electron.vite.config.ts', 'tsconfig.json', 'tsconfig.base.json', 'tsconfig.node.json', 'tsconfig.web.json'];

export async function copyProject(dir: string): Promise<void> {
  await cp(join(ROOT, 'package.json'), join(dir, 'package.json'));
  await cp(join(ROOT, 'scripts'), join(dir, 'scripts'), { recursive: true });
  for (const name of SOURCES) await symlink(join(ROOT, name), join(dir, name));
  for (const name of CONFIGS) await cp(join(ROOT, name), join(dir, name));
  const modules = join(dir, 'node_modules');
  await mkdir(join(modules, 'electron'), { recursive: true });
  for (const file of ELECTRON_FILES) await cp(join(ROOT, 'node_modules/electron', file), join(modules, 'electron', file));
  await symlink(join(ROOT, 'node_modules/electron/node_modules'), join(modules, 'electron/node_modules'));
  for (const entry of await readdir(join(ROOT, 'node_modules'))) {
    if (entry === 'electron') continue;
    await symlink(join(ROOT, 'node_modules', entry), join(modules, entry));
  }
}

/** A stand-in Electron: a script that prints its arguments and exits 0. */
export async function fakeElectron(dir: string): Promise<string> {
  const exe = join(dir, platformPath(process.platform));
  await mkdir(dirname(exe), { recursive: true });
  await writeFile(exe, '#!/bin/sh\necho "fake electron ran with: $*"\n');
  await chmod(exe, 0o755);
  return dir;
}

/** Files under dir (relative paths, sorted), not following symlinks. */
export async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

export interface Mirror {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/** A loopback HTTP server serving the given paths; `stalled` paths send a few bytes and then nothing; anything else is 404. */
export async function startMirror(files: Record<string, Buffer | string>, stalled: string[] = []): Promise<Mirror> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (stalled.includes(req.url ?? '')) {
      res.writeHead(200, { 'content-length': 1_000_000 });
      res.write(Buffer.alloc(10));
      return;
    }
    const body = files[req.url ?? ''];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

/** A loopback address nothing listens on (a server bound, then closed): connections are refused at once. */
export async function closedPort(): Promise<string> {
  const mirror = await startMirror({});
  await mirror.close();
  return mirror.url;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command (argument array, no shell) with a bounded time. */
export function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 120_000,
): Promise<RunResult> {
  const started = Date.now();
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env, signal: AbortSignal.timeout(timeoutMs) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

/** The environment a developer's shell would give, minus anything that would make the chain skip its work. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('npm_') || k.startsWith('ELECTRON_') || k.startsWith('VITEST') || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}
