/**
 * A task's whole life through the loop: done, failed, cancelled, timed out,
 * reviewed and rejected, reported despite source errors, and picked up again
 * after a restart. Real SQLite, scripted agents, fake clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../src-main/core/errors';
import { createHarness, type Harness } from '../support/loop-harness';
import { tempDirsPerTest } from '../support/temp-dir';

const tempDir = tempDirsPerTest();
let h: Harness;

afterEach(async () => {
  await h.loop.stop();
  h.db.close();
});

const sessionOf = (taskId: string) => h.sessions.list({}).find((s) => s.taskId === taskId)!;
const eventsOf = (taskId: string) => h.sessions.events(sessionOf(taskId).id).map((e) => e.event);

describe('task lifecycle', () => {
  it('done: the task is completed at the source and the session closes with a timeline', async () => {
    h = createHarness(tempDir());
    h.source.add({ id: 'a' });
    h.loop.start();
    await h.clock.runNext();
    h.runtime.runs[0]!.finish({ kind: 'completed', summary: 'all green' });
    await h.clock.advance(0);
    expect(h.source.tasks.get('a')!.status).toBe('done');
    expect(sessionOf('a')).toMatchObject({ state: 'closed', outcome: 'done', result: 'all green', reported: true, pid: null });
    expect(eventsOf('a')).toEqual(['created', 'claimed', 'agent_completed', 'finished']);
    expect(h.notices.map((n) => n.kind)).toEqual(['task_done']);
  });

  it('failed: the task is failed with the error and the session ends failed', async () => {
    h = createHarness(tempDir());
    h.source.add({ id: 'a' });
    h.loop.start();
    await h.clock.runNext();
    h.runtime.runs[0]!.finish({ kind: 'failed', error: 'exit 3: boom' });
    await h.clock.advance(0);
    expect(h.source.tasks.get('a')!.status).toBe('failed');
    expect(sessionOf('a')).toMatchObject({ state: 'failed', outcome: 'failed', result: 'exit 3: boom' });
  });

  it('cancelled at the source: the agent is stopped, nothing is reported', async () => {
    h = createHarness(tempDir());
    h.source.add({ id: 'a' });
    h.loop.start();
    await h.clock.runNext();
    h.source.setStatus('a', 'cancelled'); // pushes: tick now
    await h.clock.advance(0);
    expect(h.runtime.runs[0]!.stoppedWith).toBe('cancelled');
    expect(sessionOf('a')).toMatchObject({ state: 'closed', outcome: 'cancelled' });
    expect(h.source.count('complete') + h.source.count('fail')).toBe(0);
    expect(h.source.tasks.get('a')!.status).toBe('cancelled');
  });

  it('timeout: the agent is stopped and the task failed', async () => {
    h = createHarness(tempDir());
    h.source.add({ id: 'a' });
    h.loop.start();
    await h.clock.runNext();
    await h.clock.advance(2 * 60 * 60 * 1000);
    expect(h.runtime.runs[0]!.stoppedWith).toBe('timeout');
    expect(sessionOf('a')).toMatchObject({ state: 'failed', result: 'timed out after 120 min' });
    expect(h.source.tasks.get('a')!.status).toBe('failed');
  });

  it('a report that fails transiently is retried and sent once', async () => {
    h = createHarness(tempDir());
    h.source.add({ id: 'a' });
    h.loop.start();
    await h.clock.runNext();
    h.source.failNext(new SourceError('transient', 'HTTP 503'), 1);
    h.runtime.runs[0]!.finish({ kind: 'completed', summary: 'ok' });
    await h.clock.advance(0);
    expect(sessionOf('a').state).toBe('completing');
    await h.clock.runNext();
    await h.clock.runNext();
    expect(sessionOf('a').state).toBe('closed');
    expect(h.source.count('complete')).toBe(2); // the failed attempt and the one that went through
    expect(h.source.tasks.get('a')!.status).toBe('done');
  });

  it('the agent session id is persisted the moment the agent reports it', async () => {
    h = createHarness(tempDir());
    h.source.add({ id: 'a' });
    h.loop.start();
    await h.clock.runNext();
    h.runtime.runs[0]!.spec.onEvent({ type: 'resume_token', token: 'conv-42' });
    expect(sessionOf('a').resumeToken).toBe('conv-42');
  });

  it('a rate limit pauses the runtime for every daemon sharing it, persisted before the session moves', async () => {
    h = createHarness(tempDir(), { maxConcurrent: 3 });
    h.source.add({ id: 'a' });
    h.loop.start();
    await h.clock.runNext();
    const until = h.clock.now() + 3_600_000;
    h.runtime.runs[0]!.finish({ kind: 'rate_limited', resumeAt: until, message: 'usage limit' });
    await h.clock.advance(0);
    expect(h.state.runtimePause('command:d1')?.pausedUntil).toBe(until);
    h.source.add({ id: 'b' });
    await h.clock.advance(0);
    expect(h.runtime.runs).toHaveLength(1); // b waits: the runtime is paused
    expect(h.loop.blockedReason).toMatch(/rate-limited until/);
    await h.clock.advance(3_600_000);
    expect(h.runtime.runs.map((r) => r.spec.task.id).sort()).toEqual(['a', 'a', 'b']);
    expect(h.runtime.runs.find((r) => r.spec.task.id === 'a' && r.spec.isResume)).toBeDefined();
  });

  it('an unavailable runtime gets no task and says why', async () => {
    h = createHarness(tempDir());
    h.runtime.availability = { available: false, reason: 'claude not found on PATH' };
    h.source.add({ id: 'a' });
    h.loop.start();
    await h.clock.runNext();
    expect(h.runtime.runs).toHaveLength(0);
    expect(h.loop.blockedReason).toBe('no runtime available: claude not found on PATH');
    expect(h.source.tasks.get('a')!.status).toBe('todo');
  });
});

describe('review loop', () => {
  it('completed into review, rejected with a reason, resumed in the same conversation, approved', async () => {
    h = createHarness(tempDir());
    h.source.complete = async (id: string) => {
      h.source.calls.push('complete');
      h.source.tasks.get(id)!.status = 'in_review';
    };
    h.source.add({ id: 'a' });
    h.loop.start();
    await h.clock.runNext();
    h.runtime.runs[0]!.spec.onEvent({ type: 'resume_token', token: 'conv-1' });
    h.runtime.runs[0]!.finish({ kind: 'completed', summary: 'first try' });
    await h.clock.advance(0);
    expect(sessionOf('a').state).toBe('in_review');

    h.source.notesByTask.set('a', [{ action: 'rejected', detail: 'tests fail', created_at: '' }]);
    h.source.setStatus('a', 'in_progress');
    await h.clock.advance(0);
    const second = h.runtime.runs[1]!;
    expect(second.spec).toMatchObject({ isResume: true, resumeToken: 'conv-1' });
    expect(second.spec.prompt).toBe('Task rejected. Reason: tests fail\n\nPlease fix the issues and submit for review again.');

    second.finish({ kind: 'completed', summary: 'fixed' });
    await h.clock.advance(0);
    expect(sessionOf('a').state).toBe('in_review');
    h.source.setStatus('a', 'done');
    await h.clock.advance(0);
    expect(sessionOf('a')).toMatchObject({ state: 'closed', outcome: 'done' });
    expect(h.runtime.runs).toHaveLength(2); // the old rejection is not acted on twice
    expect(eventsOf('a')).toEqual([
      'created',
      'claimed',
      'agent_completed',
      'reported_review',
      'rejected',
      'agent_completed',
      'reported_review',
      'approved',
      'finished',
    ]);
  });
});

describe('restart reconciliation', () => {
  it('a session left active by a crash is run again; with a resume token it continues the conversation', async () => {
    h = createHarness(tempDir(), { maxConcurrent: 2 });
    h.source.add({ id: 'a' });
    h.source.add({ id: 'b' });
    h.loop.start();
    await h.clock.runNext();
    h.runtime.runs[0]!.spec.onEvent({ type: 'resume_token', token: 'conv-a' });
    // Crash: the loop and its agents vanish without a word.
    h.loop = h.restart();
    const before = h.runtime.runs.length;
    h.loop.start();
    await h.clock.advance(0);
    const reruns = h.runtime.runs.slice(before);
    expect(reruns.map((r) => r.spec.task.id).sort()).toEqual(['a', 'b']);
    const a = reruns.find((r) => r.spec.task.id === 'a')!;
    const b = reruns.find((r) => r.spec.task.id === 'b')!;
    expect(a.spec).toMatchObject({ isResume: true, resumeToken: 'conv-a' });
    expect(b.spec).toMatchObject({ isResume: false, prompt: 'do b' });
    expect(sessionOf('a')).toMatchObject({ state: 'active', attempt: 2 });
    expect(eventsOf('a')).toEqual(['created', 'claimed', 'interrupted', 'resumed']);
  });

  it('with no free slot the task is released, never left in progress', async () => {
    h = createHarness(tempDir(), { maxConcurrent: 2 });
    h.source.add({ id: 'a' });
    h.source.add({ id: 'b' });
    h.loop.start();
    await h.clock.runNext();
    h.loop.retune({ ...h.loop.currentTuning, maxConcurrent: 1 });
    const restarted = h.restart();
    restarted.retune({ ...restarted.currentTuning, maxConcurrent: 1 });
    h.loop = restarted;
    h.loop.start();
    await h.clock.advance(0);
    const states = ['a', 'b'].map((id) => h.source.tasks.get(id)!.status).sort();
    expect(states).toEqual(['in_progress', 'todo']); // one resumed, one given back to the queue
    expect(h.sessions.list({ states: ['closed'] })).toHaveLength(1);
    expect(h.sessions.list({ states: ['active'] })).toHaveLength(1);
  });

  it('a session caught mid-claim gives the task back', async () => {
    h = createHarness(tempDir());
    h.source.add({ id: 'a' });
    const orphan = h.sessions.create({ daemon: 'd1', taskId: 'a', taskTitle: 'A', runtime: 'command' });
    h.source.tasks.get('a')!.status = 'in_progress'; // the claim went through, the reply never came
    h.loop.start();
    await h.clock.runNext();
    expect(h.sessions.get(orphan.id)).toBeNull();
    expect(h.source.count('release')).toBe(1);
    // …and the same tick claimed it again, properly this time.
    expect(h.runtime.runs.map((r) => r.spec.task.id)).toEqual(['a']);
  });

  it('a graceful stop interrupts agents and the next start resumes them', async () => {
    h = createHarness(tempDir());
    h.source.add({ id: 'a' });
    h.loop.start();
    await h.clock.runNext();
    await h.loop.stop();
    expect(h.runtime.runs[0]!.stoppedWith).toBe('shutdown');
    expect(sessionOf('a').state).toBe('interrupted');
    expect(h.source.tasks.get('a')!.status).toBe('in_progress');
    h.loop = h.restart();
    h.loop.start();
    await h.clock.advance(0);
    expect(sessionOf('a')).toMatchObject({ state: 'active', attempt: 2 });
  });

  it('a task deleted while the daemon was down closes its session', async () => {
    h = createHarness(tempDir());
    h.source.add({ id: 'a' });
    h.loop.start();
    await h.clock.runNext();
    await h.loop.stop();
    h.source.tasks.delete('a');
    h.loop = h.restart();
    h.loop.start();
    await h.clock.advance(0);
    expect(sessionOf('a')).toMatchObject({ state: 'closed', outcome: 'cancelled' });
  });
});
