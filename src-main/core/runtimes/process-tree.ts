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
import { groupAlive, isLiveProcess } from './process-liveness';

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
      alive: (pid) => isLiveProcess(pid, platform),
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
