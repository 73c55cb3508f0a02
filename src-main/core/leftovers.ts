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
 * NIGHTSHIFT_SESSION_ID) are killed; elsewhere nothing is.
 */
import { readdir, readFile } from 'node:fs/promises';
import type { Logger } from './log';

export interface LeftoverSession {
  id: string;
  pid: number | null;
}

const SIGKILL_WAIT_MS = 2_000;

/** Kills what is left of the given sessions' agents; returns the pids killed. */
export async function killLeftoverAgents(sessions: readonly LeftoverSession[], logger: Logger): Promise<number[]> {
  if (sessions.length === 0) return [];
  const ids = new Set(sessions.map((s) => s.id));
  const groups = new Set<number>();
  if (process.platform === 'linux') {
    for (const proc of await scanProc()) {
      if (proc.sessionId && ids.has(proc.sessionId)) groups.add(proc.pgid);
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

async function waitGone(groups: number[]): Promise<void> {
  const deadline = Date.now() + SIGKILL_WAIT_MS;
  while (groups.some(groupAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

interface ProcInfo {
  pid: number;
  pgid: number;
  sessionId: string | null;
}

async function scanProc(): Promise<ProcInfo[]> {
  const out: ProcInfo[] = [];
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return out;
  }
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (e) => {
        try {
          const [stat, environ] = await Promise.all([
            readFile(`/proc/${e}/stat`, 'utf8'),
            readFile(`/proc/${e}/environ`, 'latin1'),
          ]);
          // Fields after the parenthesised command name: state ppid pgrp ...
          const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          const pgid = Number(rest[2]);
          const match = /(?:^|\0)NIGHTSHIFT_SESSION_ID=([^\0]+)/.exec(environ);
          out.push({ pid: Number(e), pgid, sessionId: match?.[1] ?? null });
        } catch {
          // Exited meanwhile, or not ours to read.
        }
      }),
  );
  return out;
}
