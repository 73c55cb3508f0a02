/**
 * The session store on a real SQLite file: what it persists (across a
 * reopen), when it tells listeners, what it keeps of the output, and what the
 * queries the loop and the views rely on return. The transition table itself
 * is transitions.test.ts.
 */
import { join } from 'node:path';
import type { SessionRow } from '@shared/sessions';
import { describe, expect, it } from 'vitest';
import { tempDirsPerTest } from '../../../test/support/temp-dir';
import { openDatabase } from '../store/db';
import { LAST_OUTPUT_LINES, SessionStore } from './session-store';

const tempDir = tempDirsPerTest();

function open(dir: string, now: () => number) {
  const db = openDatabase(join(dir, 'nightshift.db'));
  return { db, store: new SessionStore(db, now) };
}

const newSession = (taskId: string, daemon = 'd1') => ({ daemon, taskId, taskTitle: `task ${taskId}`, runtime: 'command' });

/** claiming → active → completing → failed, as a run that failed and was reported. */
function failRun(store: SessionStore, id: string, result: string): void {
  store.transition(id, 'claimed');
  store.transition(id, 'agent_failed', { outcome: 'failed', result });
  store.transition(id, 'finished_failed');
}

describe('SessionStore', () => {
  it('persists sessions, their fields and their timeline across a reopen', () => {
    const dir = tempDir();
    let at = 1_000;
    const first = open(dir, () => at);
    const created = first.store.create(newSession('t1'));
    expect(created).toMatchObject({ state: 'claiming', attempt: 0, createdAt: 1_000, endedAt: null, lastOutput: [] });
    at = 2_000;
    first.store.transition(created.id, 'claimed', { pid: 4242 }, 'claimed from the queue');
    first.store.update(created.id, { resumeToken: 'conv-1' });
    first.db.close();

    const second = open(dir, () => at);
    expect(second.store.require(created.id)).toMatchObject({
      state: 'active',
      pid: 4242,
      resumeToken: 'conv-1',
      updatedAt: 2_000,
    });
    expect(second.store.events(created.id).map((e) => [e.event, e.from, e.to, e.detail])).toEqual([
      ['created', null, 'claiming', null],
      ['claimed', 'claiming', 'active', 'claimed from the queue'],
    ]);
    second.db.close();
  });

  it('tells listeners after each committed create and transition, not after field updates', () => {
    const { db, store } = open(tempDir(), () => 5);
    const seen: string[] = [];
    const stop = store.onChange((row: SessionRow) => seen.push(`${row.state}:${store.require(row.id).state}`));
    const { id } = store.create(newSession('t1'));
    store.transition(id, 'claimed');
    store.update(id, { pid: 7 });
    stop();
    store.transition(id, 'interrupted');
    // Each notified row is already what a read returns: the change was committed first.
    expect(seen).toEqual(['claiming:claiming', 'active:active']);
    db.close();
  });

  it(`keeps the last ${LAST_OUTPUT_LINES} output lines, each cut at 500 characters`, () => {
    const { db, store } = open(tempDir(), () => 5);
    const { id } = store.create(newSession('t1'));
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i}`);
    lines.push('x'.repeat(600));
    store.setLastOutput(id, lines);
    const kept = store.require(id).lastOutput;
    expect(kept).toHaveLength(LAST_OUTPUT_LINES);
    expect(kept[0]).toBe(`line ${101 - LAST_OUTPUT_LINES}`);
    expect(kept.at(-1)).toBe(`${'x'.repeat(500)}…`);
    db.close();
  });

  it('answers the loop: open sessions by daemon and state, an open one for a task, the last failure', () => {
    let at = 10;
    const { db, store } = open(tempDir(), () => at++);
    const a = store.create(newSession('t1'));
    const b = store.create(newSession('t2'));
    const other = store.create(newSession('t3', 'd2'));
    store.transition(a.id, 'claimed');
    failRun(store, b.id, 'exit 1');
    store.transition(other.id, 'claimed');

    expect(store.listByDaemon('d1', ['active', 'claiming']).map((s) => s.id)).toEqual([a.id]);
    expect(store.hasOpenForTask('d1', 't1')).toBe(true);
    expect(store.hasOpenForTask('d1', 't2')).toBe(false); // failed: ended
    expect(store.hasOpenForTask('d1', 't3')).toBe(false); // another daemon's
    expect(store.lastFailure('d1')).toMatchObject({ sessionId: b.id, taskId: 't2', reason: 'exit 1' });
    expect(store.lastFailure('d2')).toBeNull();
    expect(store.list({ daemon: 'd1' }).map((s) => s.id)).toEqual([b.id, a.id]); // newest first
    db.close();
  });

  it('discards only a session that never ran, and prunes only ended ones older than the cut', () => {
    let at = 100;
    const { db, store } = open(tempDir(), () => at);
    const lost = store.create(newSession('t1'));
    const running = store.create(newSession('t2'));
    const ended = store.create(newSession('t3'));
    store.transition(running.id, 'claimed');
    store.discard(running.id);
    store.discard(lost.id);
    expect(store.get(lost.id)).toBeNull();
    expect(store.get(running.id)).not.toBeNull();

    failRun(store, ended.id, 'boom');
    at = 500;
    expect(store.pruneEnded(100)).toBe(0); // ended at 100: not older than the cut
    expect(store.pruneEnded(101)).toBe(1);
    expect(store.get(ended.id)).toBeNull();
    expect(store.events(ended.id)).toEqual([]);
    expect(store.get(running.id)?.state).toBe('active');
    db.close();
  });
});
