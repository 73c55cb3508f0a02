/**
 * "Status never lies", in the loop: the state word and the push view a
 * daemon reports, through the real DaemonLoop over real SQLite with a fake
 * clock (issue 12).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/loop-harness';
import { tempDirsPerTest } from '../support/temp-dir';

const tempDir = tempDirsPerTest();
let h: Harness;

afterEach(async () => {
  await h.loop.stop();
  h.db.close();
});

describe('daemon state', () => {
  it('is stopped before start and after stop, never "running"', async () => {
    h = createHarness(tempDir());
    expect(h.loop.state).toBe('stopped');
    expect(h.loop.push).toBeNull();
    h.loop.start();
    expect(h.loop.state).toBe('idle');
    await h.loop.stop();
    expect(h.loop.state).toBe('stopped');
  });

  it('polling: idle at the base, backing_off only while the idle curve is above it, idle again after work', async () => {
    h = createHarness(tempDir(), { pollIntervalMs: 10_000, maxIdleBackoffMs: 60_000 });
    h.loop.start();
    expect(h.loop.state).toBe('idle');
    await h.clock.runNext(); // an idle tick: the next delay is 15 s, above the 10 s base
    expect(h.loop.idleBackoffMs).toBe(15_000);
    expect(h.loop.state).toBe('backing_off');
    h.source.add();
    await h.clock.runNext();
    expect(h.runtime.runs).toHaveLength(1);
    expect(h.loop.state).toBe('working');
    h.runtime.runs[0]!.finish({ kind: 'completed', summary: 'ok' });
    await h.clock.advance(0);
    expect(h.loop.state).not.toBe('working');
  });

  it('a curve capped at its base never reads backing_off', async () => {
    h = createHarness(tempDir(), { pollIntervalMs: 10_000, maxIdleBackoffMs: 10_000 });
    h.loop.start();
    for (let i = 0; i < 5; i++) {
      await h.clock.runNext();
      expect(h.loop.state).toBe('idle');
    }
  });

  it('a daemon with a busy slot is working even while its curve is high', async () => {
    h = createHarness(tempDir(), { maxConcurrent: 2 });
    h.loop.start();
    for (let i = 0; i < 3; i++) await h.clock.runNext();
    expect(h.loop.state).toBe('backing_off');
    h.source.add();
    await h.clock.runNext();
    expect(h.loop.state).toBe('working');
  });

  it('push: idle (not backing_off) while it waits on a healthy push channel; "down since" when it drops', async () => {
    h = createHarness(tempDir());
    h.source.push = true;
    h.source.reconcileIntervalMs = 1_800_000;
    h.loop.start();
    for (let i = 0; i < 4; i++) await h.clock.runNext();
    expect(h.loop.idleBackoffMs).toBeGreaterThan(10_000);
    expect(h.loop.state).toBe('idle');
    expect(h.loop.push).toEqual({ connected: true, downSince: null });

    await h.clock.advance(5_000);
    const droppedAt = h.clock.now();
    h.source.push = false;
    h.source.setStatus('none', 'todo'); // any change wakes the loop, as a real channel's drop does
    await h.clock.advance(0);
    await h.clock.advance(60_000);
    expect(h.loop.push).toEqual({ connected: false, downSince: droppedAt });
    expect(h.loop.state).toBe('backing_off');

    h.source.push = true;
    h.source.setStatus('none', 'todo');
    expect(h.loop.push).toEqual({ connected: true, downSince: null });
    expect(h.loop.state).toBe('idle');
  });

  it('a source without push has no push view', async () => {
    h = createHarness(tempDir());
    (h.source as { pushHealthy?: unknown }).pushHealthy = undefined;
    h.loop.start();
    expect(h.loop.push).toBeNull();
  });
});
