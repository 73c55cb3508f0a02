/**
 * Single faults against the real source and loop, one after another on one
 * daemon: 429 with Retry-After (seconds and date), a hung response, a slow one
 * past the timeout, a reset, malformed, wrongly shaped and oversized JSON, a
 * lone 5xx, faults on the outcome report itself, and finally a 401. Each row
 * says what the loop chose and whether the daemon came back on its own.
 */
import { seededRandom } from '../../../bench/support/simulated-daemon';
import type { Endpoint, FaultRule } from '../../fixtures/task-server/faults';
import { type HttpDaemon, startHttpDaemon } from './http-daemon';
import { watchForCrashes } from './process-watch';
import { reportsFor } from './server-reports';

/** Real-time request timeout: a hung answer costs this much wall clock, so keep it short. */
export const REQUEST_TIMEOUT_MS = 300;
export const MAX_BODY_BYTES = 256 * 1024;
const POLL_MS = 10_000;

export interface FaultRow {
  fault: string;
  endpoint: Endpoint;
  /** The error the failing tick recorded. */
  error: string;
  /** Delay the loop chose after the failing tick. */
  chosenDelayMs: number;
  /**
   * What that delay had to be: Retry-After exactly; otherwise the error
   * backoff's first step (2 × base) exactly without jitter, or at most that with full jitter.
   */
  expectedDelayMs: number;
  /** The delay matched (exact cases) or stayed within [1 s, expected] (jittered). */
  delayOk: boolean;
  /** The next tick came exactly `chosenDelayMs` later. */
  nextTickGapMs: number;
  /** The tick after the fault succeeded. */
  recovered: boolean;
}

export interface FaultFigures {
  rows: FaultRow[];
  /** A task kept running through every fault above: never stopped by a transient error. */
  runningTaskStopped: boolean;
  report: { attempts: number; applied: number; keys: number; failRequests: number };
  unauthorized: {
    state: string;
    notice: boolean;
    /** Requests made in the simulated hour after the 401 (must be 0). */
    requestsWhileStopped: number;
    /** After Wake with a fixed server, the next tick succeeded. */
    resumedAfterWake: boolean;
  };
  crashes: string[];
}

interface Case {
  fault: string;
  endpoint: Endpoint;
  rule: FaultRule;
  /** The server's advised delay given the clock, when the fault is a 429 with Retry-After. */
  advised?: (now: number) => number;
}

function cases(): Case[] {
  return [
    {
      fault: '429 Retry-After: 17',
      endpoint: 'list',
      rule: { kind: 'rate_limit', retryAfter: '17', times: 1 },
      advised: () => 17_000,
    },
    {
      fault: '429 Retry-After: <HTTP date +90 s>',
      endpoint: 'list',
      rule: { kind: 'rate_limit', retryAfter: '(set at run time)', times: 1 },
      advised: (now) => httpDateAfter(now, 90_000).ms,
    },
    { fault: 'hung response', endpoint: 'list', rule: { kind: 'hang', times: 1 } },
    {
      fault: `slow answer (${REQUEST_TIMEOUT_MS * 3} ms > timeout)`,
      endpoint: 'list',
      rule: { kind: 'slow', ms: REQUEST_TIMEOUT_MS * 3, times: 1 },
    },
    { fault: 'connection reset', endpoint: 'list', rule: { kind: 'reset', times: 1 } },
    { fault: 'malformed JSON', endpoint: 'list', rule: { kind: 'malformed', times: 1 } },
    { fault: 'JSON of the wrong shape', endpoint: 'list', rule: { kind: 'wrong_shape', times: 1 } },
    {
      fault: `oversized JSON (${(MAX_BODY_BYTES * 4) / 1024} KiB)`,
      endpoint: 'list',
      rule: { kind: 'oversized', bytes: MAX_BODY_BYTES * 4, times: 1 },
    },
    { fault: '500 on one listing', endpoint: 'list', rule: { kind: 'status', status: 500, times: 1 } },
    // Last: the task it claims afterwards fills a slot, and a full pool lists nothing.
    { fault: 'connection reset on claim', endpoint: 'claim', rule: { kind: 'reset', times: 1 } },
  ];
}

/** The Retry-After date the server sends: whole seconds (HTTP dates have no finer unit). */
function httpDateAfter(now: number, ms: number): { header: string; ms: number } {
  const at = Math.ceil((now + ms) / 1000) * 1000;
  return { header: new Date(at).toUTCString(), ms: at - now };
}

export async function runFaultMatrix(options: { jitter: boolean; seed?: number }): Promise<FaultFigures> {
  const watch = watchForCrashes();
  const d = await startHttpDaemon({
    tuning: { pollIntervalMs: POLL_MS, maxConcurrent: 3, jitter: options.jitter },
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    maxBodyBytes: MAX_BODY_BYTES,
    ...(options.jitter ? { random: seededRandom(options.seed ?? 1) } : {}),
  });
  try {
    d.server.addTask({ title: 'runs through every fault' });
    d.loop.start();
    await d.nextTick();
    const rows: FaultRow[] = [];
    for (const c of cases()) rows.push(await oneFault(d, c, options.jitter));
    const runningTaskStopped = d.runtime.runs[0]!.stoppedWith !== null;
    const report = await reportThroughFaults(d);
    const unauthorized = await unauthorizedStops(d);
    return { rows, runningTaskStopped, report, unauthorized, crashes: [...watch.crashes] };
  } finally {
    await d.close();
    watch.dispose();
  }
}

async function oneFault(d: HttpDaemon, c: Case, jitter: boolean): Promise<FaultRow> {
  // A claim can only fail when there is something to claim.
  if (c.endpoint === 'claim') d.server.addTask({ title: 'claimed after a reset' });
  let rule = c.rule;
  // The failing tick runs at the next due time: the date is computed against it.
  const failingAt = d.loop.nextTickAt ?? d.clock.now();
  if (rule.kind === 'rate_limit' && rule.retryAfter === '(set at run time)') {
    rule = { ...rule, retryAfter: httpDateAfter(failingAt, 90_000).header };
  }
  d.server.setFaults(c.endpoint, [rule]);
  const failing = await d.nextTick();
  d.server.setFaults(c.endpoint, []);
  const next = await d.nextTick();
  // Without jitter a lone error costs exactly the first error step (2 × base); a 429 without a date at least 30 s.
  const expectedDelayMs = c.advised ? c.advised(failingAt) : 2 * POLL_MS;
  const exact = c.advised !== undefined || !jitter;
  const gap = next.at - failing.at;
  const delayOk = exact ? gap === expectedDelayMs : gap >= 1_000 && gap <= expectedDelayMs;
  const row: FaultRow = {
    fault: c.fault,
    endpoint: c.endpoint,
    error: failing.error ?? '(none)',
    chosenDelayMs: failing.delayMs,
    expectedDelayMs,
    delayOk,
    nextTickGapMs: gap,
    recovered: next.error === null,
  };
  return row;
}

/**
 * The running task finishes; its first report is reset, the second hangs past
 * the timeout, the third answers 502: the fourth gets through, and the server
 * applies it exactly once (every attempt carries the same Idempotency-Key).
 */
async function reportThroughFaults(d: HttpDaemon): Promise<FaultFigures['report']> {
  const taskId = d.runtime.runs[0]!.spec.task.id;
  d.server.setFaults('complete', [
    { kind: 'reset', times: 1 },
    { kind: 'hang', times: 1 },
    { kind: 'status', status: 502, times: 1 },
  ]);
  const before = d.server.requests().length;
  d.runtime.runs[0]!.finish({ kind: 'completed', summary: 'done despite the faults' });
  await d.settle();
  for (let i = 0; i < 6 && d.server.getTask(taskId)?.status !== 'done'; i++) await d.nextTick();
  // The three faulted attempts never reached the board; all came after `before`.
  return reportsFor(d.server.requests(), taskId, before, 3);
}

async function unauthorizedStops(d: HttpDaemon): Promise<FaultFigures['unauthorized']> {
  d.server.setFaults('*', [{ kind: 'unauthorized' }]);
  await d.nextTick();
  const state = d.loop.state;
  const notice = d.notices.some((n) => n.kind === 'unauthorized');
  const before = d.server.requests().length;
  // An hour of simulated time: a stopped daemon schedules nothing, so nothing fires.
  await d.clock.advance(3_600_000);
  const requestsWhileStopped = d.server.requests().length - before;
  d.server.setFaults('*', []);
  d.loop.wake();
  const resumed = await d.nextTick();
  return { state, notice, requestsWhileStopped, resumedAfterWake: resumed.error === null };
}
