/**
 * Starting an agent for a session already in `active`: its workspace first
 * (prepared once, reused on every resume), then the process.
 */

import type { SessionRow } from '@shared/sessions';
import type { Task } from '@shared/task';
import { errorMessage } from '../errors';
import type { LoopContext } from './context';

export async function startRun(
  ctx: LoopContext,
  session: SessionRow,
  task: Task,
  prompt: string,
  isResume: boolean,
): Promise<boolean> {
  let cwd: string;
  try {
    if (session.workspace) {
      cwd = ctx.workspaces.pathOf(session.workspace);
    } else {
      const prepared = await ctx.workspaces.prepare(task, session.id);
      session = ctx.sessions.update(session.id, { workspace: prepared.record });
      cwd = prepared.path;
    }
  } catch (err) {
    const error = `could not prepare the workspace: ${errorMessage(err)}`;
    ctx.log('warn', `task ${task.id}: ${error}`);
    ctx.sessions.transition(session.id, 'agent_failed', { outcome: 'failed', result: error, reported: false });
    return false;
  }
  try {
    ctx.pool.start({ session, task, prompt, isResume, cwd });
    ctx.log('info', `started ${ctx.runtime.name} on task ${task.id} (${session.id}, attempt ${session.attempt})`);
    return true;
  } catch (err) {
    const error = `could not start ${ctx.runtime.name}: ${errorMessage(err)}`;
    ctx.log('warn', `task ${task.id}: ${error}`);
    ctx.sessions.transition(session.id, 'agent_failed', { outcome: 'failed', result: error, reported: false });
    return false;
  }
}
