/**
 * The idle-backoff rules (docs/architecture.md, "The loop"), run through the real DaemonLoop with a
 * real SQLite file and a fake clock (jitter off, so the curve is exact).
 */

import { idleCurveDelay } from '@shared/backoff-curve';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, delaysS, type Harness } from '../../../test/support/loop-harness';
import { tempDirsPerTest } from '../../../test/support/temp-dir';
import { SourceError } from '../errors';

const tempDir = tempDirsPerTest();
let h: Harness;

afterEach(async () => {
  await h.loop.stop();
  h.db.close();
});

async function idleTicks(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await h.clock.runNext();
}

describe('idle backoff in the loop', () => {
  it('1. an idle daemon follows 10, 15, 22.5 … 120 s and stays at the cap', async () => {
    h = createHarness(tempDir());
    h.loop.start();
    await idleTicks(10);
    // Recorded delays are whole milliseconds.
    expect(delaysS(h)).toEqual([15, 22.5, 33.75, 50.625, 75.938, 113.906, 120, 120, 120, 120]);
    // The first tick runs at once; each later one waits the delay chosen before it.
    const at = h.tickEvents.map((t) => t.at - h.tickEvents[0]!.at);
    expect(at.slice(0, 4)).toEqual([0, 15_000, 37_500, 71_250]);
  });

  it('2. the first idle delay after start is the base ×1.5 (the start tick did no work)', async () => {
    h = createHarness(tempDir(), { pollIntervalMs: 2_000, maxIdleBackoffMs: 5_000 });
    h.loop.start();
    await idleTicks(4);
    expect(delaysS(h)).toEqual([3, 4.5, 5, 5]);
  });

  it('3. a dispatch resets the backoff to the base', async () => {
    h = createHarness(tempDir());
    h.loop.start();
    await idleTicks(5);
    h.source.add();
    await h.clock.runNext();
    const last = h.tickEvents.at(-1)!;
    expect(last).toMatchObject({ dispatched: 1, reason: 'work', delayMs: 10_000 });
  });

  it('4. several waiting tasks are dispatched in one tick, up to the free slots', async () => {
    h = createHarness(tempDir(), { maxConcurrent: 3 });
    for (let i = 0; i < 5; i++) h.source.add();
    h.loop.start();
    await h.clock.runNext();
    expect(h.tickEvents[0]).toMatchObject({ dispatched: 3, active: 3 });
    expect(h.source.count('claim')).toBe(3);
  });

  it('5. a saturated pool leaves the idle backoff untouched', async () => {
    h = createHarness(tempDir(), { maxConcurrent: 1 });
    h.loop.start();
    await idleTicks(3); // idle step is now 33.75 s
    h.source.add();
    h.source.add();
    await h.clock.runNext(); // dispatches one: reset to 10 s
    await idleTicks(3);
    const saturated = h.tickEvents.slice(-3);
    expect(saturated.map((t) => t.reason)).toEqual(['saturated', 'saturated', 'saturated']);
    expect(saturated.map((t) => t.delayMs)).toEqual([10_000, 10_000, 10_000]);
    // No listing was made while saturated: only the running task is checked.
    expect(h.source.count('list')).toBe(4);
  });

  it('6. a freed slot resets the backoff and looks for work at once', async () => {
    h = createHarness(tempDir(), { maxConcurrent: 1 });
    h.source.add();
    h.loop.start();
    await h.clock.runNext();
    await idleTicks(2);
    const before = h.tickEvents.length;
    h.runtime.runs[0]!.finish({ kind: 'completed', summary: 'ok' });
    await h.clock.advance(0);
    expect(h.tickEvents.length).toBe(before + 1);
    expect(h.tickEvents.at(-1)!.delayMs).toBeLessThanOrEqual(15_000);
    expect(h.source.tasks.get('t1')!.status).toBe('done');
  });

  it('7. a change of the active count in the reap/resume phases counts as work', async () => {
    h = createHarness(tempDir(), { maxConcurrent: 2 });
    h.source.add();
    h.loop.start();
    await h.clock.runNext();
    h.runtime.runs[0]!.finish({ kind: 'rate_limited', resumeAt: h.clock.now() + 30_000, message: 'limit' });
    await h.clock.advance(30_000); // the resume happens in phase 5 when its time comes
    const resumeTick = h.tickEvents.find((t) => t.active === 1 && t.dispatched === 0 && t.reason === 'work');
    expect(resumeTick).toBeDefined();
    expect(h.runtime.runs).toHaveLength(2);
  });

  it('8. the delay is clamped to the nearest rate-limit resume', async () => {
    h = createHarness(tempDir(), { maxConcurrent: 2 });
    h.source.add();
    h.loop.start();
    await h.clock.runNext();
    const resumeAt = h.clock.now() + 45_000;
    h.runtime.runs[0]!.finish({ kind: 'rate_limited', resumeAt, message: 'limit' });
    await h.clock.advance(0); // slot freed: reset, tick, idle 15 s
    await idleTicks(2); // 15 s, then 22.5 s would overshoot the resume
    const clamped = h.tickEvents.at(-1)!;
    expect(h.tickEvents.slice(-3).map((t) => t.reason)).toEqual(['idle', 'idle', 'rate_limit_clamp']);
    expect(clamped.delayMs).toBe(resumeAt - clamped.at);
    await idleTicks(1);
    expect(h.clock.now()).toBe(resumeAt);
    expect(h.runtime.runs).toHaveLength(2);
  });

  it('9. the clamp never goes below 1 s', async () => {
    h = createHarness(tempDir(), { maxConcurrent: 2 });
    h.source.add();
    h.loop.start();
    await h.clock.runNext();
    h.runtime.runs[0]!.finish({ kind: 'rate_limited', resumeAt: h.clock.now() + 200, message: 'limit' });
    await h.clock.advance(0);
    expect(h.tickEvents.at(-1)).toMatchObject({ reason: 'rate_limit_clamp', delayMs: 1_000 });
  });

  it('10. a rate-limit resume resets the idle backoff', async () => {
    h = createHarness(tempDir(), { maxConcurrent: 2 });
    h.source.add();
    h.loop.start();
    await h.clock.runNext();
    h.runtime.runs[0]!.finish({ kind: 'rate_limited', resumeAt: h.clock.now() + 300_000, message: 'limit' });
    await h.clock.advance(0);
    await idleTicks(4);
    expect(h.loop.idleBackoffMs).toBeGreaterThan(10_000);
    await h.clock.advance(300_000);
    const resumed = h.tickEvents.find((t) => t.reason === 'work' && t.active === 1 && t.at >= h.clock.now() - 300_000 + 1);
    expect(resumed).toBeDefined();
    expect(h.runtime.runs[1]!.spec.prompt).toBe('Rate limit window has reset. Continue working on the task where you left off.');
  });

  it('11. wake resets the backoff and ticks now', async () => {
    h = createHarness(tempDir());
    h.loop.start();
    await idleTicks(6);
    const before = h.tickEvents.length;
    h.loop.wake();
    await h.clock.advance(0);
    expect(h.tickEvents.length).toBe(before + 1);
    expect(h.tickEvents.at(-1)).toMatchObject({ reason: 'wake', delayMs: 15_000 });
  });

  it('12. a push from the source ticks now', async () => {
    h = createHarness(tempDir());
    h.loop.start();
    await idleTicks(7);
    const before = h.tickEvents.length;
    h.source.add();
    await h.clock.advance(0);
    expect(h.tickEvents.length).toBe(before + 1);
    expect(h.tickEvents.at(-1)!.dispatched).toBe(1);
  });

  it('13. while push is healthy the timer only runs the slow reconcile poll', async () => {
    h = createHarness(tempDir());
    h.source.push = true;
    h.source.reconcileIntervalMs = 600_000;
    h.loop.start();
    await idleTicks(3);
    expect(h.tickEvents.map((t) => [t.reason, t.delayMs])).toEqual([
      ['push_reconcile', 600_000],
      ['push_reconcile', 600_000],
      ['push_reconcile', 600_000],
    ]);
    // The push drops: the next tick falls back to the idle curve at once.
    h.source.push = false;
    h.loop.requestTick();
    await h.clock.advance(0);
    expect(h.tickEvents.at(-1)!.reason).toBe('idle');
    expect(h.tickEvents.at(-1)!.delayMs).toBeLessThanOrEqual(120_000);
  });

  it('14. pause stops ticking and requests; the pause survives a restart', async () => {
    h = createHarness(tempDir());
    h.loop.start();
    await idleTicks(2);
    h.loop.pause();
    const requests = h.source.requestCount();
    await h.clock.advance(24 * 3600_000);
    expect(h.source.requestCount()).toBe(requests);
    await h.loop.stop();
    h.loop = h.restart();
    h.loop.start();
    await h.clock.advance(3600_000);
    expect(h.loop.isPaused).toBe(true);
    expect(h.source.requestCount()).toBe(requests);
  });

  it('15. every tick is recorded with its delay, reason and request count', async () => {
    h = createHarness(tempDir());
    h.loop.start();
    await idleTicks(3);
    const stored = h.ticks.list('d1', 0);
    expect(stored).toHaveLength(3);
    expect(stored.map((t) => t.requests)).toEqual([1, 1, 1]);
    expect(stored.map((t) => t.delayMs)).toEqual([15_000, 22_500, 33_750]);
    expect(h.ticks.requestsOn('d1', h.clock.now())).toBe(3);
  });

  it('15b. each tick records where the shared idle curve stood and whether push was healthy', async () => {
    h = createHarness(tempDir(), { jitter: true }, { random: () => 1 });
    h.loop.start();
    await idleTicks(3);
    h.source.add();
    await h.clock.runNext();
    h.source.push = true;
    h.source.reconcileIntervalMs = 600_000;
    h.loop.requestTick();
    await h.clock.advance(0);
    const stored = h.ticks.list('d1', 0);
    // The curve is the shared function's value at the loop's step; the chosen delay is it with +10 % jitter.
    expect(stored.map((t) => [t.reason, t.curveMs, t.push])).toEqual([
      ['idle', idleCurveDelay(10_000, 120_000, 1), false],
      ['idle', idleCurveDelay(10_000, 120_000, 2), false],
      ['idle', idleCurveDelay(10_000, 120_000, 3), false],
      ['work', 10_000, false],
      ['push_reconcile', 15_000, true],
    ]);
    expect(stored.slice(0, 4).map((t) => t.delayMs)).toEqual(stored.slice(0, 4).map((t) => Math.round(t.curveMs! * 1.1)));
  });

  it('16. jitter spreads idle delays by at most ±10 % around the curve', async () => {
    let i = 0;
    const draws = [0, 1, 0.25, 0.75];
    h = createHarness(tempDir(), { jitter: true }, { random: () => draws[i++ % draws.length]! });
    h.loop.start();
    await idleTicks(4);
    expect(delaysS(h).map((s) => Math.round(s * 1000) / 1000)).toEqual([13.5, 24.75, 32.063, 53.156]);
  });
});

describe('error backoff in the loop', () => {
  it('5xx doubles the error delay up to 60 s; a success resets it', async () => {
    h = createHarness(tempDir());
    h.loop.start();
    h.source.failNext(new SourceError('transient', 'HTTP 503'), 4);
    await idleTicks(4);
    expect(h.tickEvents.map((t) => [t.reason, t.delayMs / 1000])).toEqual([
      ['error', 20],
      ['error', 40],
      ['error', 60],
      ['error', 60],
    ]);
    await idleTicks(1);
    expect(h.tickEvents.at(-1)!.reason).toBe('idle');
    h.source.failNext(new SourceError('transient', 'HTTP 503'));
    await idleTicks(1);
    expect(h.tickEvents.at(-1)!.delayMs).toBe(20_000);
  });

  it('429 waits at least 30 s, or exactly Retry-After', async () => {
    h = createHarness(tempDir());
    h.loop.start();
    h.source.failNext(new SourceError('rate_limited', 'HTTP 429'));
    await idleTicks(1);
    expect(h.tickEvents.at(-1)!.delayMs).toBe(30_000);
    h.source.failNext(new SourceError('rate_limited', 'HTTP 429', 12_345));
    await idleTicks(1);
    expect(h.tickEvents.at(-1)!.delayMs).toBe(12_345);
  });

  it('401 stops all requests until wake, and says unauthorized', async () => {
    h = createHarness(tempDir());
    h.loop.start();
    h.source.failNext(new SourceError('unauthorized', 'HTTP 401'));
    await idleTicks(1);
    expect(h.loop.state).toBe('unauthorized');
    expect(h.notices.map((n) => n.kind)).toContain('unauthorized');
    const requests = h.source.requestCount();
    await h.clock.advance(24 * 3600_000);
    expect(h.source.requestCount()).toBe(requests);
    h.loop.wake();
    await h.clock.advance(0);
    expect(h.source.requestCount()).toBeGreaterThan(requests);
    expect(h.loop.state).not.toBe('unauthorized');
  });

  it('a failing item in an early phase does not block dispatch', async () => {
    h = createHarness(tempDir(), { maxConcurrent: 2 });
    h.source.add();
    h.loop.start();
    await h.clock.runNext();
    h.source.add();
    // The cancel check of the running task fails; the tick still dispatches.
    h.source.failNext(new SourceError('transient', 'HTTP 502 on get'));
    await h.clock.runNext();
    expect(h.tickEvents.at(-1)!.dispatched).toBe(1);
  });
});
