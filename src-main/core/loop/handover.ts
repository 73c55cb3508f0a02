/**
 * A task's next run takes over the session it was given back with (see
 * sessions/parked.ts): the agent's conversation id and the workspace, so
 * the agent continues where it stopped instead of starting over. Parked
 * sessions whose task moved on are dropped and their workspace cleaned.
 */
import { access } from 'node:fs/promises';
import type { Task } from '@shared/task';
import { errorMessage } from '../errors';
import type { ParkedSession } from '../sessions/parked';
import type { LoopContext } from './context';

/** The parked session this claimed task continues, when its workspace is still there. */
export async function takeOverParked(ctx: LoopContext, taskId: string): Promise<ParkedSession | null> {
  const parked = ctx.sessions.parked.take(ctx.daemon, taskId, ctx.runtime.name);
  if (!parked) return null;
  const there = await access(ctx.workspaces.pathOf(parked.workspace)).then(
    () => true,
    () => false,
  );
  if (there) return parked;
  ctx.log('info', `task ${taskId}: the workspace of ${parked.id} is gone; starting over`);
  return null;
}

/**
 * Parked sessions whose task is no longer waiting for this daemon: not in its
 * claimable list, and the source says it is not `todo` (done, cancelled, gone,
 * or taken by another worker). Their workspace is cleaned (never discarding
 * work: see workspace/cleanup.ts); a cleanup that fails is retried next time.
 */
export async function dropStaleParked(ctx: LoopContext, claimable: readonly Task[]): Promise<void> {
  const waiting = new Set(claimable.map((t) => t.id));
  for (const parked of ctx.sessions.parked.list(ctx.daemon)) {
    if (waiting.has(parked.taskId) || ctx.sessions.hasOpenForTask(ctx.daemon, parked.taskId)) continue;
    try {
      const task = await ctx.source.get(parked.taskId);
      if (task?.status === 'todo') continue;
      const cleaned = await ctx.workspaces.cleanup(parked.workspace);
      ctx.sessions.parked.unpark(parked.id);
      ctx.sessions.note(
        parked.id,
        'unparked',
        `task is ${task ? task.status : 'gone'}${cleaned.kept ? `; ${cleaned.kept}` : ''}`,
      );
    } catch (err) {
      ctx.log('warn', `dropping parked session ${parked.id}: ${errorMessage(err)} (retried later)`);
    }
  }
}
