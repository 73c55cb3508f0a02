/**
 * "Is the process with this pid still the one we started?" A pid alone can
 * be reused after a reboot or a long downtime, so a run folder records the
 * wrapper's OS start time as well, and both must match before a process is
 * adopted or killed. Linux: field 22 of /proc/<pid>/stat (clock ticks since
 * boot, exact). macOS/BSD: `ps -o lstart=` (1 s resolution; with the pid a
 * safe identity). Windows: no start time; the pid is trusted (see
 * docs/reliability.md). The wrapper computes the same value for itself
 * (agent-wrapper.ts), so both sides compare like with like.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export async function processStartTime(pid: number): Promise<string | null> {
  if (process.platform === 'linux') {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
    if (!stat) return null;
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  }
  if (process.platform === 'win32') return null;
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'lstart=', '-p', String(pid)], { env: { PATH: '/bin:/usr/bin', LC_ALL: 'C' } }, (err, out) =>
      resolve(err ? null : out.trim() || null),
    );
  });
}

/** True while the process exists and is not a zombie (an unreaped zombie holds nothing). */
export async function isLiveProcess(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (process.platform !== 'linux') return true;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (!stat) return false;
  const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  return state !== 'Z' && state !== 'X';
}

/** The pid is alive and started when `startTime` says (null start time: the platform has none, trust the pid). */
export async function isSameProcess(pid: number, startTime: string | null): Promise<boolean> {
  if (!(await isLiveProcess(pid))) return false;
  if (startTime === null) return process.platform === 'win32';
  return (await processStartTime(pid)) === startTime;
}
