/**
 * Fault injection, short form (the full form with many jitter seeds is
 * faults.ts). The real HTTP source and DaemonLoop against the fixture server
 * over real sockets, on a simulated clock.
 */
import { describe, expect, it } from 'vitest';
import { runFaultMatrix } from './support/fault-scenarios';
import { runStorm } from './support/storm-scenario';
import { faultFindings, stormFindings } from './support/verdicts';

const TEN_MINUTES = 10 * 60_000;

describe('fault injection: 10-minute 5xx storm', () => {
  it('without jitter: exactly the error backoff curve, recovery within one backoff, each report applied once', async () => {
    const f = await runStorm({ stormMs: TEN_MINUTES, jitter: false });
    expect(stormFindings(f)).toEqual([]);
    // 20, 40, then the 60 s cap: 11 ticks where a fixed 10 s poll would make 60.
    expect(f.storm.delays).toEqual([20_000, 40_000, ...Array(9).fill(60_000)]);
    expect(f.stormTicks).toBe(11);
    // Each storm tick: the pending report and the listing; the running task's check
    // follows its own backoff (running-checks.ts), so the first tick, inside its base interval, skips it.
    expect(f.stormRequests).toBe(3 * f.stormTicks - 1);
    expect(f.completeAttempts).toBe(f.stormTicks + 1);
    expect(f.completeApplied).toBe(1);
    expect(f.crashes).toEqual([]);
  });

  it('with full jitter: every delay within [1 s, un-jittered step], tick count within the simulated range', async () => {
    const f = await runStorm({ stormMs: TEN_MINUTES, jitter: true, seed: 3, expectationRuns: 500 });
    expect(stormFindings(f)).toEqual([]);
    expect(f.stormTicks).toBeGreaterThan(f.expectedTicks ?? 11);
    expect(f.stormTicks).toBeLessThanOrEqual(f.jittered!.max);
    expect(f.recoveryMs).toBeLessThanOrEqual(f.lastErrorDelayMs);
  });
});

describe('fault injection: single faults', () => {
  it('honours Retry-After exactly, backs off on every other fault, stops on 401, never crashes', async () => {
    const m = await runFaultMatrix({ jitter: false });
    expect(faultFindings(m)).toEqual([]);
    const byFault = Object.fromEntries(m.rows.map((r) => [r.fault, r]));
    expect(byFault['429 Retry-After: 17']).toMatchObject({ chosenDelayMs: 17_000, nextTickGapMs: 17_000 });
    expect(byFault['429 Retry-After: <HTTP date +90 s>']).toMatchObject({ chosenDelayMs: 90_000, nextTickGapMs: 90_000 });
    expect(byFault['hung response']!.error).toContain('timed out after 300 ms');
    expect(byFault['malformed JSON']!.error).toContain('not valid JSON');
    expect(byFault['oversized JSON (1024 KiB)']!.error).toContain('exceeds the 262144-byte limit');
    expect(m.report).toEqual({ attempts: 4, applied: 1, keys: 1, failRequests: 0 });
    expect(m.unauthorized).toEqual({ state: 'unauthorized', notice: true, requestsWhileStopped: 0, resumedAfterWake: true });
  });

  it('with jitter on, a server-advised Retry-After is still not jittered', async () => {
    const m = await runFaultMatrix({ jitter: true, seed: 5 });
    expect(faultFindings(m)).toEqual([]);
    const advised = m.rows.filter((r) => r.fault.startsWith('429'));
    expect(advised.map((r) => r.nextTickGapMs)).toEqual(advised.map((r) => r.expectedDelayMs));
  });
});
