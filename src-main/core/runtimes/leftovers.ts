/**
 * After a crash, agents of the dead run that cannot be adopted (reconcile.ts)
 * may still be alive (they lead their own process groups, so our death did
 * not take them along). Before their sessions resume, their groups are
 * killed, or two agents would work on one task.
 *
 * This is the fallback for agents without a usable run folder (whose
 * wrapper's pid and start time identify them). A stored pid alone may have
 * been reused by an unrelated process since, so it is never trusted: on Linux
 * only processes whose environment carries the session id (every agent gets
 * NIGHTSHIFT_SESSION_ID, agent-env.ts) are killed; elsewhere nothing is.
 */
import type { Logger } from '../log';
import { environValue, scanProcTable } from './proc-table';
import { groupAlive } from './process-liveness';

export interface LeftoverSession {
  id: string;
  pid: number | null;
}

const SIGKILL_WAIT_MS = 2_000;
const POLL_MS = 20;

/** Kills what is left of the given sessions' agents; returns the process groups killed. */
export async function killLeftoverAgents(sessions: readonly LeftoverSession[], logger: Logger): Promise<number[]> {
  if (sessions.length === 0) return [];
  const ids = new Set(sessions.map((s) => s.id));
  const groups = new Set<number>();
  if (process.platform === 'linux') {
    for (const proc of (await scanProcTable({ withEnviron: true })) ?? []) {
      const sessionId = environValue(proc.environ, 'NIGHTSHIFT_SESSION_ID');
      if (sessionId !== null && ids.has(sessionId)) groups.add(proc.pgid);
    }
  }
  const killed: number[] = [];
  for (const pgid of groups) {
    if (pgid <= 1 || pgid === process.pid) continue;
    try {
      process.kill(-pgid, 'SIGKILL');
      killed.push(pgid);
      logger.log('warn', 'reconcile', `killed leftover agent process group ${pgid} from an earlier run`);
    } catch {
      // Already gone.
    }
  }
  await waitGone(killed);
  return killed;
}

async function waitGone(groups: readonly number[]): Promise<void> {
  const deadline = Date.now() + SIGKILL_WAIT_MS;
  while (Date.now() < deadline) {
    const alive = await Promise.all(groups.map((g) => groupAlive(g)));
    if (!alive.includes(true)) return;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
