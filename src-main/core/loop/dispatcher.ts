/**
 * Phase 6: fill every free slot. Unlike a loop that takes one task per tick
 * (where a burst of ten takes ten ticks), a tick claims as many tasks as there are
 * free slots. A session row in `claiming` is written before each claim so
 * that a crash between the claim and the spawn is found on restart.
 */
import type { Availability } from '../runtimes/port';
import { type LoopContext, PARKED_RESUME_PROMPT, slotsInUse } from './context';
import { dropStaleParked, takeOverParked } from './handover';
import { startRun } from './start-run';

export interface DispatchResult {
  dispatched: number;
  /** Why work that waits was not started, for the UI; null when nothing is blocked. */
  blockedReason: string | null;
}

export async function dispatch(ctx: LoopContext, availability: Availability | null): Promise<DispatchResult> {
  const now = ctx.clock.now();
  if (availability && !availability.available) {
    return { dispatched: 0, blockedReason: `no runtime available: ${availability.reason}` };
  }
  const pause = ctx.state.runtimePause(ctx.pauseKey);
  if (pause && pause.pausedUntil > now) {
    const what = pause.kind === 'environment' ? `unavailable (${pause.reason}), next check` : 'rate-limited until';
    return { dispatched: 0, blockedReason: `${ctx.runtime.name} ${what} ${clockTime(pause.pausedUntil)}` };
  }
  let free = ctx.maxConcurrent() - slotsInUse(ctx);
  if (free <= 0) return { dispatched: 0, blockedReason: 'pool full' };
  const probing = pause?.kind === 'environment';
  if (probing) {
    // The step is over: one run, across every daemon of this runtime, probes the environment.
    if (!ctx.state.claimProbe(ctx.pauseKey, now)) {
      return { dispatched: 0, blockedReason: `${ctx.runtime.name} unavailable (${pause.reason}), probing` };
    }
    free = 1;
  }
  let started = 0;
  try {
    const result = await fillSlots(ctx, free);
    started = result.dispatched;
    return result;
  } finally {
    if (probing && started === 0) ctx.state.releaseProbe(ctx.pauseKey);
  }
}

async function fillSlots(ctx: LoopContext, slots: number): Promise<DispatchResult> {
  let free = slots;
  if (free <= 0) return { dispatched: 0, blockedReason: 'pool full' };

  const tasks = (await ctx.source.listClaimable()).filter((t) => !t.runtime || t.runtime === ctx.runtime.name);
  await dropStaleParked(ctx, tasks);
  let dispatched = 0;
  for (const task of tasks) {
    if (free <= 0) return { dispatched, blockedReason: 'pool full' };
    if (ctx.holdNewWork()) break;
    // A shared queue can list a task we still run (our lease lapsed): never start it twice.
    if (ctx.sessions.hasOpenForTask(ctx.daemon, task.id)) continue;
    const session = ctx.sessions.create({
      daemon: ctx.daemon,
      taskId: task.id,
      taskTitle: task.title,
      runtime: ctx.runtime.name,
    });
    // A claim that throws leaves the session in `claiming`; the reap phase
    // then finds out whether the claim happened and gives the task back.
    const claim = await ctx.source.claim(task.id);
    if (!claim.ok) {
      ctx.sessions.discard(session.id);
      continue;
    }
    // Given back earlier with a conversation to resume (sessions/parked.ts): continue it, in its workspace.
    const parked = await takeOverParked(ctx, task.id);
    if (parked) {
      const active = ctx.sessions.transition(
        session.id,
        'claimed',
        { attempt: 1, resumeToken: parked.resumeToken, workspace: parked.workspace },
        `continues ${parked.id}: agent session ${parked.resumeToken}, same workspace`,
      );
      await startRun(ctx, active, claim.task, PARKED_RESUME_PROMPT, true);
    } else {
      const active = ctx.sessions.transition(session.id, 'claimed', { attempt: 1 });
      await startRun(ctx, active, claim.task, claim.task.prompt, false);
    }
    dispatched++;
    free--;
  }
  return { dispatched, blockedReason: null };
}

function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
