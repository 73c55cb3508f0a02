/**
 * What a restart does with the runs a crashed runner left behind, before any
 * loop ticks. Each run folder (see runtimes/run-folder.ts) is classified:
 *
 * - adopt: its session is still `active` for this attempt, its daemon's
 *   runtime can adopt, and the run either finished while we were down (an
 *   exit record) or its wrapper is alive and is the process that was started
 *   (pid and OS start time both match). Its result will be reported, not re-run.
 * - kill: anything else that is still alive and provably ours (same pid and
 *   start time) — its session row is gone, closed, or moved on. Its process
 *   group is killed and the folder removed.
 *
 * Agents that left no run folder (started by an older version, or a wrapper
 * killed before it wrote its record) are found on Linux by their environment
 * (runtimes/leftovers.ts) and killed; their sessions resume as before.
 */
import { rm } from 'node:fs/promises';
import type { SessionRow } from '@shared/sessions';
import { errorMessage } from './errors';
import type { Logger } from './log';
import type { AdoptableRun } from './pool';
import { terminateGroup } from './runtimes/agent-process';
import { killLeftoverAgents } from './runtimes/leftovers';
import { isSameProcess } from './runtimes/process-identity';
import { listRunFolders, readExitRecord, readWrapperRecord } from './runtimes/run-folder';

export interface Adoption {
  session: SessionRow;
  run: AdoptableRun;
}

export interface ReconcileInput {
  runsDir: string;
  /** Every open session (any daemon). */
  openSessions: readonly SessionRow[];
  /** Whether the session's daemon exists and its runtime can adopt. */
  canAdopt(session: SessionRow): boolean;
  logger: Logger;
}

export interface ReconcileResult {
  adopt: Adoption[];
  /** Process groups killed (run folders and the environment scan). */
  killed: number[];
}

export async function reconcileRuns(input: ReconcileInput): Promise<ReconcileResult> {
  const { logger } = input;
  const open = new Map(input.openSessions.map((s) => [s.id, s]));
  const adopt: Adoption[] = [];
  const killed: number[] = [];
  const unadoptedFolders = new Set<string>();
  for (const folder of await listRunFolders(input.runsDir)) {
    const [wrapper, exit] = await Promise.all([readWrapperRecord(folder.dir), readExitRecord(folder.dir)]);
    const alive = wrapper !== null && (await isSameProcess(wrapper.pid, wrapper.startTime));
    const session = open.get(folder.sessionId);
    const adoptable =
      wrapper !== null &&
      session !== undefined &&
      session.state === 'active' &&
      session.attempt === folder.attempt &&
      input.canAdopt(session) &&
      (exit !== null || alive);
    if (adoptable) {
      adopt.push({
        session,
        run: { runDir: folder.dir, pid: wrapper.pid, startTime: wrapper.startTime, startedAt: wrapper.startedAt },
      });
      continue;
    }
    unadoptedFolders.add(folder.sessionId);
    if (alive) {
      const why = session ? `its session is ${session.state}` : 'its session is gone';
      logger.log('warn', 'reconcile', `killing agent process group ${wrapper.pid} of an earlier run: ${why}`);
      await terminateGroup(wrapper.pid, 0);
      killed.push(wrapper.pid);
    }
    await rm(folder.dir, { recursive: true, force: true }).catch((err) =>
      logger.log('warn', 'reconcile', `could not remove ${folder.dir}: ${errorMessage(err)}`),
    );
  }
  // Agents without a usable run folder: only those of sessions not being adopted.
  const adopted = new Set(adopt.map((a) => a.session.id));
  const rest = input.openSessions.filter((s) => !adopted.has(s.id)).map((s) => ({ id: s.id, pid: s.pid }));
  for (const id of unadoptedFolders) if (!adopted.has(id) && !open.has(id)) rest.push({ id, pid: null });
  killed.push(...(await killLeftoverAgents(rest, logger)));
  return { adopt, killed };
}
