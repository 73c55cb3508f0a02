/**
 * The embedded queue on a real SQLite file: atomic claims between two
 * sources (two daemons sharing a queue), reports that are harmless when
 * repeated after a crash, the review loop, push per queue, and retention.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionStore } from '../../src-main/core/sessions/session-store';
import { LocalTaskSource } from '../../src-main/core/sources/local';
import { LocalTaskQueue } from '../../src-main/core/sources/local-queue';
import { type Db, openDatabase } from '../../src-main/core/store/db';
import { tempDirsPerTest } from '../support/temp-dir';

const tempDir = tempDirsPerTest();
let db: Db;
let now: number;
let queue: LocalTaskQueue;
const source = (worker: string, review = false) => new LocalTaskSource(queue, { queue: 'default', review, worker });

beforeEach(() => {
  db = openDatabase(join(tempDir(), 'nightshift.db'));
  now = Date.UTC(2026, 0, 1);
  queue = new LocalTaskQueue(db, () => now);
});
afterEach(() => db.close());

describe('local queue', () => {
  it('lists claimable tasks oldest first, with a title from the first prompt line', async () => {
    queue.add({ prompt: 'first\nmore detail' });
    queue.add({ prompt: 'second', title: 'Second task', cwd: '/tmp' });
    const listed = await source('w').listClaimable();
    expect(listed.map((t) => t.title)).toEqual(['first', 'Second task']);
    expect(listed[1]).toMatchObject({ status: 'todo', cwd: '/tmp' });
  });

  it('a task is claimed by exactly one of two racing daemons', async () => {
    const task = queue.add({ prompt: 'x' });
    const results = await Promise.all([source('a').claim(task.id), source('b').claim(task.id)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, reason: 'already_claimed' });
    expect(await source('a').claim('t_missing')).toEqual({ ok: false, reason: 'gone' });
  });

  it('a report repeated after a crash changes nothing the second time', async () => {
    const task = queue.add({ prompt: 'x' });
    const s = source('a');
    await s.claim(task.id);
    await s.complete(task.id, 'first summary');
    await s.complete(task.id, 'second summary');
    await s.fail(task.id, 'late failure');
    expect(queue.require(task.id)).toMatchObject({ status: 'done', result: 'first summary' });
  });

  it('review: complete waits in in_review; reject adds a note and reopens; approve is done', async () => {
    const task = queue.add({ prompt: 'x' });
    const s = source('a', true);
    await s.claim(task.id);
    await s.complete(task.id, 'ready');
    expect(queue.require(task.id).status).toBe('in_review');
    expect(queue.reject(task.id, 'needs tests')).toBe(true);
    expect(queue.require(task.id).status).toBe('in_progress');
    expect((await s.notes(task.id)).map((n) => [n.action, n.detail])).toEqual([['rejected', 'needs tests']]);
    expect(queue.reject(task.id, 'again')).toBe(false); // not in review any more
    await s.complete(task.id, 'fixed');
    expect(queue.move(task.id, ['in_review'], 'done')).toBe(true);
  });

  it('pushes only to watchers of the queue that changed', async () => {
    const seen: string[] = [];
    const stop = source('a').watch(() => seen.push('default'));
    queue.add({ prompt: 'x', queue: 'other' });
    queue.add({ prompt: 'y' });
    stop();
    queue.add({ prompt: 'z' });
    expect(seen).toEqual(['default']);
  });

  it('prunes finished tasks past retention, never one whose session is still open', async () => {
    const old = queue.add({ prompt: 'old and done' });
    const reviewing = queue.add({ prompt: 'old, in review' });
    const held = queue.add({ prompt: 'old, cancelled, session still completing' });
    const s = source('a', true);
    for (const t of [old, reviewing, held]) await s.claim(t.id);
    await source('a').complete(old.id, 'ok');
    await s.complete(reviewing.id, 'ok');
    queue.move(held.id, ['in_progress'], 'cancelled');
    const sessions = new SessionStore(db, () => now);
    const open = sessions.create({ daemon: 'd', taskId: held.id, taskTitle: 'held', runtime: 'command' });
    expect(open.state).toBe('claiming');
    now += 31 * 24 * 3600_000;
    const recent = queue.add({ prompt: 'recent' });
    await s.claim(recent.id);
    await source('a').complete(recent.id, 'ok');

    expect(queue.pruneFinished(now - 30 * 24 * 3600_000)).toBe(1);
    expect(queue.get(old.id)).toBeNull();
    expect(queue.get(reviewing.id)?.status).toBe('in_review');
    expect(queue.get(held.id)?.status).toBe('cancelled');
    expect(queue.get(recent.id)?.status).toBe('done');
  });
});
