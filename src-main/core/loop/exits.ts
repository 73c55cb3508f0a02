/**
 * What an agent's exit means for its session. Persisted before anything in
 * memory reacts, so a crash right after an exit loses nothing: the next start
 * sees `completing` (report pending) or `rate_limited` (resume time known).
 */

import type { SessionRow } from '@shared/sessions';
import type { RunningAgent } from '../pool';
import type { AgentEvent, AgentOutcome } from '../runtimes/port';
import type { LoopContext } from './context';

export function applyExit(ctx: LoopContext, run: RunningAgent, outcome: AgentOutcome): void {
  const id = run.sessionId;
  noteRuntimeHealth(ctx, outcome);
  switch (outcome.kind) {
    case 'environment':
      giveBack(ctx, id, outcome.message);
      return;
    case 'completed':
      ctx.sessions.transition(id, 'agent_completed', { outcome: 'done', result: outcome.summary, reported: false, pid: null });
      return;
    case 'failed':
      ctx.sessions.transition(
        id,
        'agent_failed',
        { outcome: 'failed', result: outcome.error, reported: false, pid: null },
        outcome.error,
      );
      return;
    case 'rate_limited': {
      // The runtime-wide pause is written first: the longest known reset wins.
      const pause = ctx.state.extendRuntimePause(ctx.pauseKey, outcome.resumeAt, outcome.message);
      ctx.sessions.transition(id, 'rate_limited', { resumeAfter: pause.pausedUntil, pid: null }, outcome.message);
      ctx.notice({
        kind: 'rate_limited',
        title: `${ctx.runtime.name} is rate-limited`,
        body: `Resuming at ${new Date(pause.pausedUntil).toLocaleTimeString()}`,
      });
      return;
    }
    case 'stopped':
      if (outcome.reason === 'shutdown') {
        ctx.sessions.transition(id, 'interrupted', { pid: null }, 'Nightshift is stopping; the run resumes on next start');
      } else if (outcome.reason === 'cancelled') {
        ctx.sessions.transition(id, 'cancelled', { outcome: 'cancelled', reported: true, pid: null }, 'task cancelled');
      } else if (outcome.reason === 'stalled') {
        const error = `stalled: no progress for ${minutes(ctx.runtime.stallMs ?? 0)}`;
        ctx.sessions.transition(id, 'agent_failed', { outcome: 'failed', result: error, reported: false, pid: null }, error);
      } else {
        const error = `timed out after ${Math.round(ctx.runtime.timeoutMs / 60_000)} min`;
        ctx.sessions.transition(id, 'agent_failed', { outcome: 'failed', result: error, reported: false, pid: null }, error);
      }
      return;
  }
}

/**
 * An environment failure is not the task's: the task goes back to its queue
 * (reported as a release, so no failure and no attempt is counted) and the
 * whole runtime pauses until a probe shows the environment works again. The
 * session is parked (sessions/parked.ts) when the agent has a conversation
 * to resume: the task's next run continues it in the same workspace.
 */
function giveBack(ctx: LoopContext, sessionId: string, message: string): void {
  const before = ctx.state.runtimePause(ctx.pauseKey);
  const pause = ctx.state.pauseForEnvironment(ctx.pauseKey, ctx.clock.now(), message, ctx.probeBackoff);
  ctx.sessions.transition(
    sessionId,
    'released',
    { outcome: 'released', result: message, reported: false, pid: null, parked: isResumable(ctx.sessions.require(sessionId)) },
    `environment: ${message}`,
  );
  // One notification when the runtime goes down (or its reason changes), not one per failed probe.
  if (before?.kind !== 'environment' || before.reason !== message) {
    ctx.notice({
      kind: 'runtime_unavailable',
      title: `${ctx.runtime.name} cannot run: ${message}`,
      body: `Tasks wait in the queue. Next check at ${new Date(pause.pausedUntil).toLocaleTimeString()}`,
    });
  }
}

/**
 * Any exit but an environment failure shows the environment works (the agent
 * ran to an answer or a task failure): an environment pause ends. A run we
 * stopped proves nothing: its probe slot is freed for the next tick.
 */
function noteRuntimeHealth(ctx: LoopContext, outcome: AgentOutcome): void {
  if (outcome.kind === 'environment') return;
  if (outcome.kind === 'stopped') ctx.state.releaseProbe(ctx.pauseKey);
  else if (outcome.kind === 'completed' || outcome.kind === 'failed') ctx.state.clearEnvironmentPause(ctx.pauseKey);
}

function minutes(ms: number): string {
  const min = ms / 60_000;
  return min >= 1 ? `${Math.round(min)} min` : `${Math.round(ms / 1000)} s`;
}

/** Events that must be persisted the moment the agent says them. */
export function applyAgentEvent(ctx: LoopContext, sessionId: string, event: AgentEvent): void {
  if (event.type === 'resume_token') {
    ctx.sessions.update(sessionId, { resumeToken: event.token });
  } else if (event.type === 'rate_limit' && event.resetAt !== undefined) {
    ctx.state.extendRuntimePause(ctx.pauseKey, event.resetAt, event.message);
  } else if (event.type === 'activity') {
    // The timeline row keeps the agent's own account of what it did ("agent_tool_call: Edit src/a.ts").
    ctx.sessions.note(sessionId, `agent_${event.kind}`, event.detail);
  }
}

/** Worth parking when given back: the agent has a conversation to resume, in a workspace of its own. */
export function isResumable(session: SessionRow): boolean {
  return session.resumeToken !== null && session.workspace !== null;
}
