/**
 * HTTP tasks held by a daemon that stops or dies, against the fixture server:
 * a real quit gives them back (release), a restart keeps them; a server that
 * grants leases (`leaseMs` in the claim reply) gets them renewed by heartbeat
 * while the agent runs, and sees none from a daemon whose claims had no lease.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PARKED_RESUME_PROMPT } from '../../src-main/core/loop/context';
import { createHttpSource, type HttpTaskSource } from '../../src-main/core/sources/http';
import { startTaskServer, type TaskServer } from '../fixtures/task-server/server';
import { createHarnessOver, type Harness } from '../support/loop-harness';
import { tempDirsPerTest } from '../support/temp-dir';
import { httpConfig, waitFor } from './helpers';

const tempDir = tempDirsPerTest();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let server: TaskServer;
let h: Harness<HttpTaskSource> | undefined;

afterEach(async () => {
  await h?.loop.stop();
  h?.db.close();
  h = undefined;
  await server?.close();
});

/** A loop over the real HTTP source that has claimed `id` and runs its (scripted) agent. */
async function runningOn(id: string, leaseMs?: number): Promise<Harness<HttpTaskSource>> {
  server = await startTaskServer({ mode: 'plain', ...(leaseMs ? { leaseMs } : {}) });
  server.addTask({ id });
  const source = createHttpSource(httpConfig(server.url, { push: [] }), { daemon: 'd1' });
  h = createHarnessOver(tempDir(), source, { maxConcurrent: 1 });
  const harness = h;
  harness.loop.start();
  await harness.clock.advance(0);
  await waitFor('the agent to start', () => harness.runtime.runs.length === 1);
  expect(server.getTask(id)?.status).toBe('in_progress');
  return harness;
}

describe('graceful stop', () => {
  it('a real quit releases the tasks it holds: todo again at once, for any worker', async () => {
    const harness = await runningOn('t1');
    await harness.loop.stop({ releaseTasks: true });
    expect(server.getTask('t1')?.status).toBe('todo');
    expect(server.counts().release).toBe(1);
    expect(harness.sessions.list({}).map((s) => [s.state, s.outcome, s.reported])).toEqual([['closed', 'released', true]]);
    // The agent never said its conversation id: nothing to resume, nothing kept.
    expect(harness.sessions.parked.has(harness.sessions.list({})[0]!.id)).toBe(false);
  });

  it("a quit parks a run that has a conversation: this worker's next run of the task resumes it", async () => {
    const harness = await runningOn('t1');
    harness.runtime.runs[0]!.spec.onEvent({ type: 'resume_token', token: 'conversation-1' });
    await harness.loop.stop({ releaseTasks: true });
    expect(server.getTask('t1')?.status).toBe('todo');
    const [given] = harness.sessions.list({});
    expect(harness.sessions.parked.has(given!.id)).toBe(true);

    harness.loop = harness.restart();
    harness.loop.start();
    await harness.clock.advance(0);
    await waitFor('the run after the restart', () => harness.runtime.runs.length === 2);
    expect(harness.runtime.runs[1]!.spec).toMatchObject({
      isResume: true,
      resumeToken: 'conversation-1',
      prompt: PARKED_RESUME_PROMPT,
    });
    expect(harness.sessions.parked.has(given!.id)).toBe(false);
  });

  it('a restart keeps them: in_progress on the server, resumed by the next start', async () => {
    const harness = await runningOn('t1');
    await harness.loop.stop();
    expect(server.getTask('t1')?.status).toBe('in_progress');
    expect(server.counts().release).toBe(0);
    expect(harness.sessions.list({}).map((s) => s.state)).toEqual(['interrupted']);
  });
});

describe('leases (optional leaseMs in the claim reply)', () => {
  it('renews the lease by heartbeat while the agent runs, so the task is never lost', async () => {
    const harness = await runningOn('t1', 600);
    expect(harness.source.heartbeatIntervalMs).toBe(200);
    // Two and a half leases of real time, the loop's renewals driven on its clock.
    for (let i = 0; i < 15; i++) {
      await harness.clock.advance(200);
      await sleep(100);
    }
    expect(server.counts().heartbeat).toBeGreaterThanOrEqual(5);
    expect(server.getTask('t1')?.status).toBe('in_progress');
    expect(server.claimedBy('t1')).toMatch(/\/d1$/);
    expect(harness.runtime.runs[0]!.stoppedWith).toBeNull();
  });

  it('a lease that ran out (taken by another worker) stops our agent', async () => {
    const harness = await runningOn('t1', 300);
    await sleep(450); // no renewal: the fake clock stands still
    await fetch(`${server.url}/api/tasks?status=todo`); // any request sweeps expired leases
    expect(server.getTask('t1')?.status).toBe('todo');
    const other = await fetch(`${server.url}/api/tasks/t1/claim`, { method: 'POST', body: JSON.stringify({ worker: 'other' }) });
    expect(other.status).toBe(200);
    await harness.clock.advance(100);
    await waitFor('our agent stopped', () => harness.runtime.runs[0]!.stoppedWith === 'cancelled');
  });

  it('a server without leases gets no heartbeat', async () => {
    const harness = await runningOn('t1');
    for (let i = 0; i < 4; i++) await harness.clock.advance(15_000);
    await sleep(100);
    expect(server.counts().heartbeat).toBe(0);
  });
});
