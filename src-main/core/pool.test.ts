/**
 * The pool on a fake clock with a scripted runtime and a real session store:
 * it counts what runs, records the pid and the last output lines, stops a run
 * at its timeout or when it stalls (retry lines are not progress), hands each
 * exit to the loop once, and removes a run's folder only once its outcome is
 * recorded.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SessionRow } from '@shared/sessions';
import type { Task } from '@shared/task';
import { afterEach, describe, expect, it } from 'vitest';
import { ScriptedRuntime } from '../../test/support/scripted-runtime';
import { tempDirsPerTest } from '../../test/support/temp-dir';
import { FakeClock, settle } from './clock';
import { silentLogger } from './log';
import { type RunningAgent, RuntimePool } from './pool';
import type { AgentOutcome } from './runtimes/port';
import { SessionStore } from './sessions/session-store';
import { type Db, openDatabase } from './store/db';

const tempDir = tempDirsPerTest();
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

class StallingRuntime extends ScriptedRuntime {
  readonly stallMs = 60_000;
}

function setup(runtime = new ScriptedRuntime('command', 10 * 60_000)) {
  const dir = tempDir();
  const db = openDatabase(join(dir, 'nightshift.db'));
  dbs.push(db);
  const clock = new FakeClock(0);
  const sessions = new SessionStore(db, () => clock.now());
  const exits: [RunningAgent, AgentOutcome][] = [];
  const pool = new RuntimePool({
    daemon: 'd1',
    runtime,
    sessions,
    clock,
    logger: silentLogger,
    logDir: join(dir, 'logs'),
    onAgentEvent() {},
    onExit: (run, outcome) => exits.push([run, outcome]),
  });
  const start = (taskId: string): SessionRow => {
    const session = sessions.transition(
      sessions.create({ daemon: 'd1', taskId, taskTitle: taskId, runtime: 'command' }).id,
      'claimed',
    );
    const task: Task = { id: taskId, title: taskId, prompt: 'do it', status: 'in_progress', created_at: '2026-01-01T00:00:00Z' };
    pool.start({ session, task, prompt: 'do it', isResume: false, cwd: dir });
    return session;
  };
  return { dir, clock, sessions, pool, runtime, exits, start };
}

describe('RuntimePool', () => {
  it('counts running agents, records the pid, and hands each exit to the loop once with its last output', async () => {
    const h = setup();
    const a = h.start('t1');
    h.start('t2');
    expect(h.pool.activeCount).toBe(2);
    expect(h.sessions.require(a.id).pid).toBe(1000);
    expect(h.pool.running().map((r) => r.taskId)).toEqual(['t1', 't2']);

    const run = h.runtime.runs[0]!;
    run.spec.onEvent({ type: 'output', stream: 'stdout', line: 'working' });
    run.spec.onEvent({ type: 'output', stream: 'stderr', line: 'a warning' });
    run.finish({ kind: 'completed', summary: 'ok' });
    run.finish({ kind: 'failed', error: 'twice' });
    await settle();
    expect(h.exits.map(([r, o]) => [r.taskId, o.kind])).toEqual([['t1', 'completed']]);
    expect(h.pool.activeCount).toBe(1);
    expect(h.pool.has(a.id)).toBe(false);
    expect(h.sessions.require(a.id).lastOutput).toEqual(['working', '! a warning']);
  });

  it('stops a run at its timeout', async () => {
    const h = setup();
    h.start('t1');
    await h.clock.advance(10 * 60_000 - 1);
    expect(h.runtime.runs[0]!.stoppedWith).toBeNull();
    await h.clock.advance(1);
    await settle();
    expect(h.runtime.runs[0]!.stoppedWith).toBe('timeout');
    expect(h.exits.map(([, o]) => o)).toEqual([{ kind: 'stopped', reason: 'timeout' }]);
  });

  it('stops a run that makes no progress for stallMs; retry lines and stderr do not count as progress', async () => {
    const h = setup(new StallingRuntime('command', 60 * 60_000));
    h.start('t1');
    const run = h.runtime.runs[0]!;
    await h.clock.advance(50_000);
    run.spec.onEvent({ type: 'output', stream: 'stdout', line: 'progress' });
    await h.clock.advance(50_000); // 100 s since start, 50 s since progress
    expect(run.stoppedWith).toBeNull();
    run.spec.onEvent({ type: 'output', stream: 'stdout', line: 'Reconnecting... 1/5', retry: true });
    run.spec.onEvent({ type: 'output', stream: 'stderr', line: 'api retry' });
    await h.clock.advance(10_000); // 60 s since the last progress
    await settle();
    expect(run.stoppedWith).toBe('stalled');
  });

  it("removes a run's folder once its outcome is recorded, and keeps it while the session is still active", async () => {
    const h = setup();
    const kept = h.start('t1');
    const removed = h.start('t2');
    const folders = h.runtime.runs.map((r) => r.spec.runDir!);
    await Promise.all(folders.map((f) => mkdir(f, { recursive: true })));

    // The loop records t2's outcome before the pool cleans up; t1's session stays active (a restart adopts it).
    h.sessions.transition(removed.id, 'agent_completed', { outcome: 'done' });
    for (const run of h.runtime.runs) run.finish({ kind: 'completed', summary: 'ok' });
    await settle();
    // The folder is removed in the background: wait for it (bounded), then check the other one is still there.
    const deadline = Date.now() + 10_000;
    while (existsSync(folders[1]!) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(existsSync(folders[1]!)).toBe(false);
    expect(existsSync(folders[0]!)).toBe(true);
    expect(h.sessions.require(kept.id).state).toBe('active');
  });
});
