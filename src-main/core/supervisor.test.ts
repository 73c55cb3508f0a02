/**
 * The supervisor on a fake clock over a real SQLite file: bursts of changes
 * become one snapshot event, history is pruned at start and every hour after,
 * a tuning saved from a view is what the loop is built with after a restart,
 * and one throwing listener does not keep an event from the others. (Routing
 * and the Settings round trip are test/core/task-routing.test.ts and
 * test/core/tuning-limits.test.ts.)
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempDirsPerTest } from '../../test/support/temp-dir';
import { FakeClock } from './clock';
import { parseConfig } from './config';
import { silentLogger } from './log';
import { type Db, openDatabase } from './store/db';
import { PRUNE_EVERY_MS, SESSION_RETENTION_MS, Supervisor } from './supervisor';

const tempDir = tempDirsPerTest();
const running: Supervisor[] = [];
afterEach(async () => {
  for (const sup of running.splice(0)) await sup.stop({ agentGraceMs: 0 });
});

const { config } = parseConfig({
  daemons: [
    {
      name: 'local',
      source: { kind: 'local', queue: 'default' },
      runtime: { kind: 'command', command: ['true'] },
      pollIntervalMs: 10_000,
      maxIdleBackoffMs: 120_000,
    },
  ],
});

function supervisor(dataDir: string, clock: FakeClock): { sup: Supervisor; db: Db } {
  mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(join(dataDir, 'nightshift.db'));
  const sup = new Supervisor({ db, config, dataDir, clock, logger: silentLogger });
  running.push(sup);
  return { sup, db };
}

describe('Supervisor', () => {
  it('coalesces a burst of changes into one snapshot event', async () => {
    const clock = new FakeClock();
    const { sup } = supervisor(join(tempDir(), 'data'), clock);
    const snapshots: number[] = [];
    sup.on('snapshot', (s) => snapshots.push(s.at));
    for (let i = 0; i < 20; i++) sup.snapshotSoon();
    await clock.advance(1_000);
    expect(snapshots).toHaveLength(1);
    sup.snapshotSoon();
    await clock.advance(1_000);
    expect(snapshots).toHaveLength(2);
  });

  it('prunes ended sessions past retention, and their log files, at start and again every hour', async () => {
    // Today, so that the files written below (real mtimes) lie a month before the clock's now.
    const clock = new FakeClock(Date.now());
    const dataDir = join(tempDir(), 'data');
    const { sup } = supervisor(dataDir, clock);
    const endSession = (taskId: string) => {
      const { id } = sup.sessions.create({ daemon: 'local', taskId, taskTitle: taskId, runtime: 'command' });
      sup.sessions.transition(id, 'claimed');
      sup.sessions.transition(id, 'agent_failed', { outcome: 'failed', result: 'x' });
      return sup.sessions.transition(id, 'finished_failed').id;
    };
    const old = endSession('old');
    await clock.advance(SESSION_RETENTION_MS - PRUNE_EVERY_MS / 2);
    const recent = endSession('recent');
    // Their logs, written (by the real clock) long before the fake clock's now: only the pruned one's go.
    const logDir = join(dataDir, 'logs');
    mkdirSync(logDir, { recursive: true });
    for (const name of [`${old}.log`, `${old}.log.1`, `${recent}.log`]) writeFileSync(join(logDir, name), 'output\n');
    await clock.advance(PRUNE_EVERY_MS);
    await sup.start();
    expect(sup.sessions.get(old)).toBeNull();
    expect(sup.sessions.get(recent)).not.toBeNull();
    await vi.waitFor(() => expect(readdirSync(logDir)).toEqual([`${recent}.log`]));

    // Nothing else happens in between: the hourly timer alone prunes it once it is past retention.
    await clock.advance(SESSION_RETENTION_MS - PRUNE_EVERY_MS);
    expect(sup.sessions.get(recent)).not.toBeNull();
    await clock.advance(PRUNE_EVERY_MS);
    expect(sup.sessions.get(recent)).toBeNull();
  });

  it("builds each loop with the tuning saved from a view, the cap lifted to the base if the config's is lower", async () => {
    const dataDir = join(tempDir(), 'data');
    const first = supervisor(dataDir, new FakeClock());
    first.sup.retune('local', { pollIntervalMs: 300_000, maxConcurrent: 3 });
    await first.sup.stop();
    running.splice(running.indexOf(first.sup), 1);

    const { sup } = supervisor(dataDir, new FakeClock());
    expect(sup.daemons.get('local')!.loop.currentTuning).toEqual({
      pollIntervalMs: 300_000,
      maxIdleBackoffMs: 300_000,
      maxConcurrent: 3,
      jitter: true,
    });
    expect(sup.overriddenKeys('local')).toEqual(['pollIntervalMs', 'maxConcurrent']);
  });

  it('one throwing listener does not keep an event from the others', () => {
    const { sup } = supervisor(join(tempDir(), 'data'), new FakeClock());
    const heard: string[] = [];
    sup.on('notice', () => {
      throw new Error('a broken view');
    });
    sup.on('notice', (n) => heard.push(n.title));
    sup.emit('notice', { kind: 'storage_fault', daemon: '*', title: 'hello', body: '' });
    expect(heard).toEqual(['hello']);
  });
});
