/**
 * The promises of the fault harness, as checks over its figures: one list of
 * broken promises, shared by the full script (prints them) and the short
 * test (expects none), so the two can never judge differently.
 */

import type { FaultFigures } from './fault-scenarios';
import { ADDED_AFTER_RETURN_MS, PICKUP_GOAL_MS, type PushRecoveryFigures } from './push-recovery';
import type { StormFigures } from './storm-scenario';

export function stormFindings(f: StormFigures): string[] {
  const run = f.jitter ? 'storm (full jitter)' : 'storm (no jitter)';
  const out: string[] = [];
  if (f.crashes.length > 0) out.push(`${run}: ${f.crashes.length} unhandled errors: ${f.crashes[0]}`);
  if (f.stormRequests !== f.loggedRequests)
    out.push(`${run}: server saw ${f.stormRequests} requests, tick log ${f.loggedRequests}`);
  if (!f.delaysWithinBound) out.push(`${run}: a storm delay left the error backoff's bound: ${f.storm.delays.join(', ')}`);
  if (f.expectedTicks !== null && f.stormTicks !== f.expectedTicks)
    out.push(`${run}: ${f.stormTicks} ticks, the error backoff allows exactly ${f.expectedTicks}`);
  if (f.jittered !== null && f.stormTicks > f.jittered.max)
    out.push(`${run}: ${f.stormTicks} ticks, above the most of ${f.jittered.max} seen in simulated storms`);
  if (f.recoveryMs > f.lastErrorDelayMs)
    out.push(`${run}: recovery took ${f.recoveryMs} ms, more than the last error delay ${f.lastErrorDelayMs} ms`);
  if (f.completeApplied !== 1) out.push(`${run}: the storm task's completion was applied ${f.completeApplied} times`);
  if (f.completeKeys !== 1) out.push(`${run}: its report retries used ${f.completeKeys} Idempotency-Keys`);
  if (f.failRequests !== 0) out.push(`${run}: ${f.failRequests} fail reports for tasks that completed`);
  if (f.survivorStopped) out.push(`${run}: the task running through the storm was stopped`);
  if (f.survivorApplied !== 1) out.push(`${run}: the survivor's completion was applied ${f.survivorApplied} times`);
  return out;
}

export function faultFindings(m: FaultFigures): string[] {
  const out: string[] = [];
  if (m.crashes.length > 0) out.push(`faults: ${m.crashes.length} unhandled errors: ${m.crashes[0]}`);
  for (const r of m.rows) {
    if (r.error === '(none)') out.push(`${r.fault}: the fault was not seen by any tick`);
    if (!r.delayOk) out.push(`${r.fault}: next tick after ${r.nextTickGapMs} ms, required ${r.expectedDelayMs} ms`);
    if (!r.recovered) out.push(`${r.fault}: the tick after the fault failed too`);
  }
  if (m.runningTaskStopped) out.push('faults: a transient error stopped a running agent');
  if (m.report.applied !== 1) out.push(`faults: a report retried through faults was applied ${m.report.applied} times`);
  if (m.report.keys !== 1) out.push(`faults: report retries used ${m.report.keys} Idempotency-Keys`);
  if (m.report.failRequests !== 0) out.push('faults: a completed task was reported as failed');
  if (m.unauthorized.state !== 'unauthorized') out.push(`401: daemon state is ${m.unauthorized.state}`);
  if (!m.unauthorized.notice) out.push('401: no notice was raised');
  if (m.unauthorized.requestsWhileStopped !== 0)
    out.push(`401: ${m.unauthorized.requestsWhileStopped} requests after the 401 (must stop polling)`);
  if (!m.unauthorized.resumedAfterWake) out.push('401: Wake did not resume the daemon');
  return out;
}

/**
 * Push after an outage: push follows the first request the server answers
 * (no second wait), and the goal of issue 13 — a task added 2 s after the
 * server's return starts within 1 s — per channel and outage.
 */
export function pushRecoveryFindings(rows: readonly PushRecoveryFigures[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    if (r.skipped) continue;
    const where = `push recovery, ${r.channel} after a ${r.outageMs / 1000} s outage`;
    if (r.pushBackMs - r.firstAnswerMs > 2_000)
      out.push(`${where}: push came back ${Math.round(r.pushBackMs - r.firstAnswerMs)} ms after the first answered request`);
    if (r.pickupMs > PICKUP_GOAL_MS)
      out.push(
        `${where}: a task added ${ADDED_AFTER_RETURN_MS / 1000} s after the return started after ${Math.round(r.pickupMs)} ms (goal ≤ ${PICKUP_GOAL_MS} ms)`,
      );
  }
  return out;
}
