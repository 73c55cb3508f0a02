/**
 * A busy daemon is as polite as an idle one: with every slot busy it checks
 * its running task on the idle curve (base ×1.5 to the cap) instead of every
 * tick, and not at all while the source pushes status changes — except when
 * a push says something changed, which still stops a cancelled task's agent.
 * Real loop, real SQLite, fake clock; 90 simulated minutes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../../test/support/loop-harness';
import { tempDirsPerTest } from '../../../test/support/temp-dir';

const tempDir = tempDirsPerTest();
const HOURS = 1.5; // under the scripted agent's 2 h timeout
let h: Harness;

afterEach(async () => {
  await h.loop.stop();
  h.db.close();
});

async function simulate(ms: number): Promise<void> {
  const end = h.clock.now() + ms;
  while ((h.clock.nextTimerAt() ?? end + 1) <= end) await h.clock.runNext();
}

describe('checking running tasks', () => {
  it('a busy slot costs no more requests a day than an idle daemon', async () => {
    h = createHarness(tempDir(), { maxConcurrent: 1 });
    h.loop.start();
    await simulate(HOURS * 3_600_000);
    const idleLists = h.source.count('list');
    await h.loop.stop();
    h.db.close();

    h = createHarness(tempDir(), { maxConcurrent: 1 });
    h.source.add();
    h.loop.start();
    await simulate(60_000);
    expect(h.runtime.runs).toHaveLength(1);
    const before = h.source.count('get');
    await simulate(HOURS * 3_600_000);
    const busyGets = h.source.count('get') - before;
    expect(busyGets).toBeGreaterThan(0);
    expect(busyGets).toBeLessThanOrEqual(idleLists);
    // Before: one GET per 10 s tick, 540 in 90 minutes.
    expect(busyGets).toBeLessThan((HOURS * 3_600_000) / 10_000 / 5);
  });

  it('no check while the source pushes status changes; a push still stops a cancelled task', async () => {
    h = createHarness(tempDir(), { maxConcurrent: 1 });
    h.source.push = true;
    (h.source as unknown as { pushesStatusChanges: () => boolean }).pushesStatusChanges = () => true;
    const task = h.source.add();
    h.loop.start();
    await simulate(60_000);
    expect(h.runtime.runs).toHaveLength(1);
    const before = h.source.count('get');
    await simulate(HOURS * 3_600_000);
    expect(h.source.count('get')).toBe(before);
    h.source.setStatus(task.id, 'cancelled'); // the push: wakes the loop
    await simulate(1_000);
    expect(h.runtime.runs[0]!.stoppedWith).toBe('cancelled');
  });
});
