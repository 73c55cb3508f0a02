/**
 * The tick's phases before dispatch, in docs/architecture.md's order: kill cancelled →
 * reap orphans → finish completing sessions (report + cleanup, retried) →
 * watch reviews → resume rate-limited sessions. Each item is isolated: a
 * transient error on one task is logged and retried next tick, it does not
 * abort the others. Errors that concern the whole source (429, 401) are
 * rethrown to the loop's single catch.
 */

import type { SessionRow } from '@shared/sessions';
import type { Task } from '@shared/task';
import { errorMessage, SourceError } from '../errors';
import {
  INTERRUPTED_RESUME_PROMPT,
  type LoopContext,
  openSessions,
  RATE_LIMIT_RESUME_PROMPT,
  rejectionPrompt,
  slotsInUse,
} from './context';
import { isResumable } from './exits';
import { startRun } from './start-run';

/** Runs `fn`, swallowing (and logging) per-item transient errors. Returns false when it failed. */
async function isolated(ctx: LoopContext, what: string, fn: () => Promise<void>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (err) {
    if (err instanceof SourceError && err.kind !== 'transient') throw err;
    ctx.log('warn', `${what}: ${errorMessage(err)} (retried next tick)`);
    return false;
  }
}

/** Phase 1: a task cancelled, deleted or taken over at the source stops its agent. */
export async function killCancelled(ctx: LoopContext): Promise<void> {
  const runs = ctx.pool.running();
  const now = ctx.clock.now();
  const pushed = ctx.source.pushesStatusChanges?.() === true;
  const due = new Set(
    ctx.runningChecks.select(
      runs.map((r) => r.sessionId),
      now,
      pushed,
    ),
  );
  for (const run of runs) {
    if (!due.has(run.sessionId)) continue;
    await isolated(ctx, `checking task ${run.taskId}`, async () => {
      const task = await ctx.source.get(run.taskId);
      ctx.runningChecks.checked(run.sessionId, ctx.clock.now());
      if (task && task.status === 'in_progress') return;
      ctx.log('info', `task ${run.taskId} is ${task ? task.status : 'gone'}: stopping its agent`);
      await ctx.pool.stop(run.sessionId, 'cancelled');
    });
  }
}

/**
 * Phase 2: sessions that should have a process but have none — after a crash
 * or a restart. A task still ours is run again (resuming the agent's own
 * conversation when it gave us a token) or, with no slot free, released.
 */
export async function reapOrphans(ctx: LoopContext): Promise<void> {
  for (const session of openSessions(ctx, ['claiming', 'active', 'interrupted'])) {
    if (ctx.pool.has(session.id)) continue;
    await isolated(ctx, `reaping ${session.id}`, () => reapOne(ctx, session));
  }
}

async function reapOne(ctx: LoopContext, session: SessionRow): Promise<void> {
  const task = await ctx.source.get(session.taskId);
  if (session.state === 'claiming') {
    // The claim's outcome is unknown (crash or lost response): give the task back.
    if (task?.status === 'in_progress') await ctx.source.release(session.taskId);
    ctx.sessions.discard(session.id);
    return;
  }
  if (session.state === 'active') {
    session = ctx.sessions.transition(session.id, 'interrupted', { pid: null }, 'agent process gone');
  }
  if (task?.status !== 'in_progress') {
    closeTaskGone(ctx, session, task);
    return;
  }
  if (ctx.holdNewWork() || slotsInUse(ctx) >= ctx.maxConcurrent()) {
    // Parked: the task's next run resumes this conversation (sessions/parked.ts).
    ctx.sessions.transition(
      session.id,
      'released',
      { outcome: 'released', reported: false, parked: isResumable(session) },
      'no free slot to resume it',
    );
    return;
  }
  const resumed = ctx.sessions.transition(session.id, 'resumed', { attempt: session.attempt + 1 }, 'resuming after restart');
  const canResume = resumed.resumeToken !== null;
  await startRun(ctx, resumed, task, canResume ? INTERRUPTED_RESUME_PROMPT : task.prompt, canResume);
}

/**
 * Phase 3: report the outcome of finished runs to the source (once: the
 * `reported` flag is set only after the source acknowledged), then clean the
 * workspace. Both steps are retried on later ticks until they succeed.
 * Returns how many sessions still wait.
 */
export async function finishCompleting(ctx: LoopContext, attempted = new Set<string>()): Promise<number> {
  let waiting = 0;
  for (const session of openSessions(ctx, ['completing'])) {
    // A session tried once this tick waits for the next: one attempt per tick.
    if (attempted.has(session.id)) {
      waiting++;
      continue;
    }
    attempted.add(session.id);
    const ok = await isolated(ctx, `finishing ${session.id}`, () => finishOne(ctx, session));
    if (!ok) waiting++;
  }
  return waiting;
}

async function finishOne(ctx: LoopContext, session: SessionRow): Promise<void> {
  if (!session.reported) {
    const result = session.result ?? '';
    // One key per session run and outcome: a retry after a lost reply is the same report.
    const report = { idempotencyKey: `${session.id}/${session.attempt}/${session.outcome}` };
    if (session.outcome === 'done') await ctx.source.complete(session.taskId, result, report);
    else if (session.outcome === 'failed') await ctx.source.fail(session.taskId, result, report);
    else if (session.outcome === 'released') await ctx.source.release(session.taskId, report);
    session = ctx.sessions.update(session.id, { reported: true });
    if (session.outcome === 'done') {
      const task = await ctx.source.get(session.taskId);
      if (task?.status === 'in_review') {
        ctx.sessions.transition(session.id, 'reported_review', {}, 'waiting for review');
        ctx.notice({ kind: 'task_done', title: `Ready for review: ${session.taskTitle}`, body: lastLine(result) });
        return;
      }
    }
  }
  if (session.workspace && ctx.sessions.parked.has(session.id)) {
    ctx.sessions.note(
      session.id,
      'parked',
      `agent session ${session.resumeToken} and its workspace kept for the task's next run`,
    );
  } else if (session.workspace) {
    try {
      const cleaned = await ctx.workspaces.cleanup(session.workspace);
      if (cleaned.kept) ctx.sessions.note(session.id, 'workspace_kept', cleaned.kept);
    } catch (err) {
      ctx.sessions.update(session.id, { cleanupPending: true });
      throw new Error(`workspace cleanup failed: ${errorMessage(err)}`);
    }
  }
  const failed = session.outcome === 'failed';
  ctx.sessions.transition(session.id, failed ? 'finished_failed' : 'finished', { cleanupPending: false });
  if (session.outcome === 'done')
    ctx.notice({ kind: 'task_done', title: `Done: ${session.taskTitle}`, body: lastLine(session.result ?? '') });
  // A failure's first line says what went wrong; later lines are detail (stderr tail, stack).
  if (failed) ctx.notice({ kind: 'task_failed', title: `Failed: ${session.taskTitle}`, body: firstLine(session.result ?? '') });
}

/** Phase 4: tasks in review — approved, cancelled, deleted, or rejected with a reason to resume on. */
export async function watchReviews(ctx: LoopContext): Promise<void> {
  for (const session of openSessions(ctx, ['in_review'])) {
    await isolated(ctx, `watching review of ${session.taskId}`, async () => {
      const task = await ctx.source.get(session.taskId);
      if (!task) {
        ctx.sessions.transition(session.id, 'task_gone', { outcome: 'cancelled', reported: true }, 'task deleted');
      } else if (task.status === 'done') {
        ctx.sessions.transition(session.id, 'approved', { outcome: 'done', reported: true }, 'approved');
      } else if (task.status === 'cancelled' || task.status === 'failed' || task.status === 'todo') {
        ctx.sessions.transition(session.id, 'cancelled', { outcome: 'cancelled', reported: true }, `task is ${task.status}`);
      } else if (task.status === 'in_progress') {
        const rejections = (await ctx.source.notes(task.id)).filter((n) => n.action === 'rejected');
        const handled = ctx.sessions.events(session.id).filter((e) => e.event === 'rejected').length;
        const latest = rejections[rejections.length - 1];
        if (!latest || rejections.length <= handled) return;
        if (ctx.holdNewWork() || slotsInUse(ctx) >= ctx.maxConcurrent()) return; // next tick
        const resumed = ctx.sessions.transition(session.id, 'rejected', { attempt: session.attempt + 1 }, latest.detail);
        await startRun(ctx, resumed, task, rejectionPrompt(latest.detail), true);
      }
    });
  }
}

/** Phase 5: rate-limited sessions whose window has reset continue the same conversation. */
export async function resumeRateLimited(ctx: LoopContext): Promise<void> {
  const now = ctx.clock.now();
  const pause = ctx.state.runtimePause(ctx.pauseKey);
  if (pause && pause.pausedUntil > now) return;
  // An environment pause ends with a successful probe run, not with time.
  if (pause?.kind === 'environment') return;
  if (pause) ctx.state.clearRuntimePause(ctx.pauseKey);
  for (const session of openSessions(ctx, ['rate_limited'])) {
    if (ctx.holdNewWork()) return;
    if (session.resumeAfter !== null && session.resumeAfter > now) continue;
    await isolated(ctx, `resuming ${session.id}`, async () => {
      const task = await ctx.source.get(session.taskId);
      if (task?.status !== 'in_progress') {
        closeTaskGone(ctx, session, task);
        return;
      }
      const resumed = ctx.sessions.transition(
        session.id,
        'resumed',
        { attempt: session.attempt + 1, resumeAfter: null },
        'rate limit reset',
      );
      await startRun(ctx, resumed, task, RATE_LIMIT_RESUME_PROMPT, true);
    });
  }
}

/** The task left `in_progress` without us (deleted, cancelled, taken back): nothing to report. */
function closeTaskGone(ctx: LoopContext, session: SessionRow, task: Task | null): void {
  ctx.sessions.transition(
    session.id,
    'task_gone',
    { outcome: 'cancelled', reported: true },
    `task is ${task ? task.status : 'gone'}`,
  );
}

function lastLine(text: string): string {
  const line = text.trim().split('\n').pop() ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

function firstLine(text: string): string {
  const line =
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/**
 * Every phase before dispatch, in order: kill cancelled → reap orphans →
 * finish completing sessions → watch reviews → resume rate-limited sessions,
 * then finish again (reviews approved or cancelled just now finish in the
 * same tick). Returns the reports still unacknowledged and whether runs came
 * or went (which counts as work for the idle curve).
 */
export async function runTickPhases(ctx: LoopContext): Promise<{ pendingReports: number; runsChanged: boolean }> {
  const activeBefore = ctx.pool.activeCount;
  await killCancelled(ctx);
  await reapOrphans(ctx);
  const attempted = new Set<string>();
  await finishCompleting(ctx, attempted);
  await watchReviews(ctx);
  await resumeRateLimited(ctx);
  const pendingReports = await finishCompleting(ctx, attempted);
  return { pendingReports, runsChanged: ctx.pool.activeCount !== activeBefore };
}
