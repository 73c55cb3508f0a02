/**
 * "Is it still there?" for one process or a whole process group, answered
 * one way everywhere (stopping an agent, adopting a run, sweeping leftovers):
 *
 * - `kill(target, 0)` failing with EPERM means the target exists but belongs
 *   to another user: it is alive. Only ESRCH means gone.
 * - A zombie (exited, not reaped) is not alive. Where PID 1 does not reap
 *   orphans (some containers) a killed grandchild stays a zombie forever, yet
 *   it holds nothing; waiting for it would wait out every timeout. Linux
 *   shows the state in /proc; elsewhere a signalable pid counts as alive.
 */
import { isZombieState, readProcStat, scanProcTable } from './proc-table';

/** kill(target, 0): true unless the kernel says no such process (ESRCH). */
function signalable(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True while the process exists and is not a zombie. */
export async function isLiveProcess(pid: number, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  if (!signalable(pid)) return false;
  if (platform !== 'linux') return true;
  const stat = await readProcStat(pid);
  return stat !== null && !isZombieState(stat.state);
}

/** True while the process group has a member that is not a zombie. */
export async function groupAlive(pgid: number, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  // -1 would ask about every process and 0 about our own group: neither is an agent's group.
  if (pgid <= 1) return false;
  if (!signalable(-pgid)) return false;
  if (platform !== 'linux') return true;
  const table = await scanProcTable();
  // No /proc to look in: the signal said it exists, so it does.
  if (table === null) return true;
  return table.some((p) => p.pgid === pgid && !isZombieState(p.state));
}
