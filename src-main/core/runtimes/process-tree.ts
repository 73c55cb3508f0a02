/**
 * Stopping an agent means stopping everything it started. On Linux and macOS
 * each agent's wrapper leads its own process group (spawned `detached`), and
 * one signal to `-pgid` reaches the whole tree. Windows has no process groups
 * in that sense — `process.kill(-pid)` means nothing there, and Node's
 * `process.kill(pid)` ends that one process only (TerminateProcess) — so the
 * tree goes through `taskkill /T`: first without `/F` (windows get WM_CLOSE),
 * then, after the grace period, with `/F`. Console programs ignore the polite
 * form, so on Windows the grace period is mostly a wait; documented in
 * docs/electron.md. `taskkill` is run with execFile (no shell), hidden.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

export type TreeSignal = 'SIGTERM' | 'SIGKILL';

export interface ProcessTreeOps {
  /** True while the tree rooted at `pid` (its process group on Unix) has a live member. */
  alive(pid: number): Promise<boolean>;
  /** Asks (SIGTERM) or forces (SIGKILL) the whole tree to end; never throws for a tree that is gone. */
  signal(pid: number, signal: TreeSignal): Promise<void>;
}

export type ExecFileLike = (program: string, args: readonly string[]) => Promise<void>;

const TASKKILL_TIMEOUT_MS = 10_000;

function execHidden(program: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve) => {
    // A non-zero exit ("process not found") means the tree is already gone: not an error for us.
    execFile(program, [...args], { windowsHide: true, timeout: TASKKILL_TIMEOUT_MS }, () => resolve());
  });
}

/** The tree operations for a platform; `exec` is injectable so the Windows branch is tested on any OS. */
export function processTreeOps(platform: NodeJS.Platform = process.platform, exec: ExecFileLike = execHidden): ProcessTreeOps {
  if (platform === 'win32') {
    return {
      alive: async (pid) => pidAlive(pid),
      signal: (pid, signal) => exec('taskkill', ['/PID', String(pid), '/T', ...(signal === 'SIGKILL' ? ['/F'] : [])]),
    };
  }
  return {
    alive: (pgid) => groupAlive(pgid, platform),
    signal: async (pgid, signal) => {
      try {
        process.kill(-pgid, signal);
      } catch {
        // ESRCH: the group is already gone.
      }
    },
  };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True while a live (non-zombie) process of the group exists. Zombies count as
 * gone: where PID 1 does not reap orphans (some containers) a killed
 * grandchild stays a zombie forever, yet it holds nothing.
 */
export async function groupAlive(pgid: number, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  try {
    process.kill(-pgid, 0);
  } catch (e) {
    // EPERM means it exists but belongs to someone else: still alive.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (platform !== 'linux') return true;
  return (await liveMembersFromProc(pgid)) > 0;
}

async function liveMembersFromProc(pgid: number): Promise<number> {
  const entries = await readdir('/proc').catch(() => null);
  if (!entries) return 1;
  let live = 0;
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (pidDir) => {
        const stat = await readFile(`/proc/${pidDir}/stat`, 'utf8').catch(() => '');
        // "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses, so parse after the last ')'.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') live++;
      }),
  );
  return live;
}

const POLL_MS = 50;

/** Asks the tree to end, waits up to `graceMs` for it to vanish, then forces it. */
export async function terminateTree(pid: number, graceMs: number, ops: ProcessTreeOps = processTreeOps()): Promise<void> {
  if (!(await ops.alive(pid))) return;
  await ops.signal(pid, 'SIGTERM');
  if (await waitForExit(pid, graceMs, ops)) return;
  await ops.signal(pid, 'SIGKILL');
  await waitForExit(pid, 5000, ops);
}

async function waitForExit(pid: number, timeoutMs: number, ops: ProcessTreeOps): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await ops.alive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return true;
}
