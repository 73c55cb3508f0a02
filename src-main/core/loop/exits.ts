/**
 * What an agent's exit means for its session. Persisted before anything in
 * memory reacts, so a crash right after an exit loses nothing: the next start
 * sees `completing` (report pending) or `rate_limited` (resume time known).
 */
import type { RunningAgent } from '../pool';
import type { AgentEvent, AgentOutcome } from '../types';
import type { LoopContext } from './context';

export function applyExit(ctx: LoopContext, run: RunningAgent, outcome: AgentOutcome): void {
  const id = run.sessionId;
  switch (outcome.kind) {
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
      } else {
        const error = `timed out after ${Math.round(ctx.runtime.timeoutMs / 60_000)} min`;
        ctx.sessions.transition(id, 'agent_failed', { outcome: 'failed', result: error, reported: false, pid: null }, error);
      }
      return;
  }
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
