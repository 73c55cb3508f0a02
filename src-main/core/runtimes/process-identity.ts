/**
 * "Is the process with this pid still the one we started?" A pid alone can
 * be reused after a reboot or a long downtime, so a run folder records the
 * wrapper's OS start time as well, and both must match before a process is
 * adopted or killed. Linux: field 22 of /proc/<pid>/stat (clock ticks since
 * boot, exact). macOS/BSD: `ps -o lstart=` (1 s resolution; with the pid a
 * safe identity). Windows: WMI's CreationDate through PowerShell, or wmic
 * (windows-start-time.ts; microseconds). The wrapper computes the same value
 * for itself (agent-wrapper.ts), so both sides compare like with like.
 */
import { execFile } from 'node:child_process';
import { readProcStat } from './proc-table';
import { isLiveProcess } from './process-liveness';
import { type ExecText, execText, parseWindowsCreationDate, windowsStartTime } from './windows-start-time';

/** What the lookups depend on; injectable so that each platform's branch runs in tests on any OS. */
export interface IdentityDeps {
  platform: NodeJS.Platform;
  /** Runs `ps` (macOS) or PowerShell/wmic (Windows). */
  exec: ExecText;
}

const defaultDeps: IdentityDeps = { platform: process.platform, exec: execText };

export async function processStartTime(pid: number, deps: IdentityDeps = defaultDeps): Promise<string | null> {
  if (deps.platform === 'linux') {
    return (await readProcStat(pid))?.startTime ?? null;
  }
  if (deps.platform === 'win32') return windowsStartTime(pid, deps.exec);
  if (deps.exec === execText) return psStartTime(pid);
  const out = await deps.exec('ps', ['-o', 'lstart=', '-p', String(pid)], { timeoutMs: 10_000 }).catch(() => null);
  return out?.trim() || null;
}

function psStartTime(pid: number): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'lstart=', '-p', String(pid)], { env: { PATH: '/bin:/usr/bin', LC_ALL: 'C' } }, (err, out) =>
      resolve(err ? null : out.trim() || null),
    );
  });
}

/**
 * The pid is alive and started when `startTime` says. Windows: a wrapper that
 * could not learn its own start time recorded null, and when neither
 * PowerShell nor wmic answers now, the pid is all there is — it is trusted
 * then, as before start times were compared there.
 */
export async function isSameProcess(pid: number, startTime: string | null, deps: IdentityDeps = defaultDeps): Promise<boolean> {
  if (!(await isLiveProcess(pid, deps.platform))) return false;
  if (deps.platform === 'win32') {
    const recorded = startTime === null ? null : parseWindowsCreationDate(startTime);
    if (recorded === null) return true;
    const current = await processStartTime(pid, deps);
    return current === null || current === recorded;
  }
  if (startTime === null) return false;
  return (await processStartTime(pid, deps)) === startTime;
}

/** How often a watch re-reads the start time where that costs a process (Windows, macOS); pid liveness in between. */
export const IDENTITY_RECHECK_MS = 10_000;

/**
 * A repeated "still the same process?" for polling loops: the full check at
 * the first call and every {@link IDENTITY_RECHECK_MS}, the cheap liveness
 * check in between — a PowerShell start four times a second per adopted agent
 * would cost more than the agent. On Linux the full check is a file read:
 * every call does it.
 */
export function watchProcessIdentity(
  pid: number,
  startTime: string | null,
  deps: IdentityDeps = defaultDeps,
  now: () => number = Date.now,
): () => Promise<boolean> {
  let lastFullAt = -Infinity;
  return async () => {
    if (deps.platform === 'linux' || now() - lastFullAt >= IDENTITY_RECHECK_MS) {
      lastFullAt = now();
      return isSameProcess(pid, startTime, deps);
    }
    return isLiveProcess(pid, deps.platform);
  };
}
