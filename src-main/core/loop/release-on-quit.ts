/**
 * On a real quit, tasks this daemon holds on a remote source go back to
 * `todo` at once instead of staying `in_progress` with nobody working on them
 * (an HTTP server without leases would keep them so forever). The local queue
 * is this machine's own: its tasks wait for the next start. A session with a
 * conversation to resume is parked (sessions/parked.ts), as after a login or
 * network failure: if this worker gets the task again, it continues there.
 */
import { errorMessage } from '../errors';
import { type LoopContext, openSessions } from './context';
import { isResumable } from './exits';
import { finishCompleting } from './phases';

export async function releaseHeldTasks(ctx: LoopContext): Promise<void> {
  if (ctx.source.kind === 'local') return;
  const held = openSessions(ctx, ['interrupted', 'rate_limited']);
  if (held.length === 0) return;
  for (const session of held) {
    // Parked: should this worker claim the task again, its run resumes the agent's conversation.
    ctx.sessions.transition(
      session.id,
      'released',
      { outcome: 'released', reported: false, parked: isResumable(session) },
      'Nightshift quit: task given back',
    );
  }
  try {
    // Reports the releases (and cleans the workspaces); what fails is retried at the next start.
    const waiting = await finishCompleting(ctx);
    ctx.log('info', `quit: released ${held.length - waiting} task(s) to the source${waiting ? `, ${waiting} to retry` : ''}`);
  } catch (err) {
    ctx.log('warn', `quit: releasing tasks failed (${errorMessage(err)}); retried at the next start`);
  }
}
