/**
 * End-to-end helpers: the real `nightshift` bin (node bin/nightshift.js, i.e.
 * the built out/main/cli.js) in child processes, on temp data dirs, with the
 * fixture agent recording what it did.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'nightshift.js');
export const FAKE_AGENT = join(ROOT, 'test', 'fixtures', 'fake-agent.mjs');

/** Fails the suite with the fix in the message rather than with a confusing spawn error. */
export function assertBuilt(): void {
  const cli = join(ROOT, 'out', 'main', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build first with "npx electron-vite build"`);
}

/** Short paths under /tmp: unix socket paths are limited to ~104 bytes. */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join('/tmp', `ns-${prefix}-`));
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one CLI command to completion. */
export function cli(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** `cli` that must succeed; returns stdout. */
export async function cliOk(args: string[], options: { input?: string } = {}): Promise<string> {
  const result = await cli(args, options);
  if (result.code !== 0) throw new Error(`nightshift ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

export async function cliJson<T>(args: string[]): Promise<T> {
  return JSON.parse(await cliOk([...args, '--json'])) as T;
}

export interface RunningInstance {
  child: ChildProcessWithoutNullStreams;
  stderr(): string;
  stdout(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `nightshift run ARGS` and resolves once its control socket answers (the "running" log line). */
export async function startRun(args: string[]): Promise<RunningInstance> {
  const child = spawn(process.execPath, [BIN, 'run', ...args], { cwd: ROOT, env: process.env });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stdin.end();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );
  const instance: RunningInstance = { child, stderr: () => stderr, stdout: () => stdout, exited };
  let done = false;
  await Promise.race([
    waitFor(() => / running \d+ daemon/.test(stderr), 20_000, 'nightshift run to start').finally(() => {
      done = true;
    }),
    exited.then(({ code }) => {
      if (!done) throw new Error(`nightshift run exited ${code} before starting:\n${stderr}`);
    }),
  ]);
  return instance;
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface AgentLogEvent {
  event: 'start' | 'end';
  pid: number;
  sessionId: string;
  taskId: string;
  at: number;
}

export function readAgentLog(path: string): AgentLogEvent[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as AgentLogEvent);
}

/** Most agents running at once, from the start/end events (a killed agent has no end: it counts until its run ends). */
export function maxOverlap(events: AgentLogEvent[]): number {
  let running = 0;
  let max = 0;
  for (const e of [...events].sort((a, b) => a.at - b.at || (a.event === 'end' ? -1 : 1))) {
    running += e.event === 'start' ? 1 : -1;
    max = Math.max(max, running);
  }
  return max;
}

/** True while the process exists and is not a zombie (a container's pid 1 may never reap). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Live processes whose process group is one of `pgids` (agents lead their own group). */
export async function livePidsInGroups(pgids: Set<number>): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After "comm": state, ppid, pgrp.
      if (fields[0] !== 'Z' && pgids.has(Number(fields[2]))) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

export interface FixtureDaemonOptions {
  agentLog: string;
  maxConcurrent: number;
  pollIntervalMs?: number;
}

/** A config with one local daemon running the fixture agent (prompt on stdin). */
export async function writeFixtureConfig(dir: string, options: FixtureDaemonOptions): Promise<string> {
  const path = join(dir, 'nightshift.json');
  const poll = options.pollIntervalMs ?? 200;
  const config = {
    daemons: [
      {
        name: 'local',
        source: { kind: 'local', queue: 'default' },
        runtime: {
          kind: 'command',
          command: [process.execPath, FAKE_AGENT],
          promptVia: 'stdin',
          env: { FAKE_AGENT_LOG: options.agentLog },
        },
        maxConcurrent: options.maxConcurrent,
        pollIntervalMs: poll,
        maxIdleBackoffMs: poll * 5,
        jitter: false,
      },
    ],
  };
  await writeFile(path, JSON.stringify(config, null, 2));
  return path;
}

/** Stops an instance that a failing test left running (kill -9 is fine: the temp dir goes away). */
export function killIfRunning(instance: RunningInstance | null | undefined): void {
  if (instance && instance.child.exitCode === null && instance.child.signalCode === null) instance.child.kill('SIGKILL');
}
