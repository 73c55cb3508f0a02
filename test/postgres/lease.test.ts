/**
 * Leases against a real PostgreSQL (leaseMs 1000, the config's minimum): an
 * expired claim comes back, the heartbeat keeps it, and a worker whose lease
 * was taken over cannot overwrite the new holder's result.
 */
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { createPostgresSource, enqueuePostgresTask, type PostgresTaskSource } from '../../src-main/core/sources/postgres';
import { describePg, pgSourceConfig, useTestDatabase } from '../support/postgres';

const LEASE_MS = 1_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describePg('postgres leases', () => {
  const db = useTestDatabase();
  const open: PostgresTaskSource[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close?.()));
  });

  function source(queue: string, worker: string): PostgresTaskSource {
    const s = createPostgresSource(pgSourceConfig(db.current, { queue, leaseMs: LEASE_MS }), { daemon: 'd', worker });
    open.push(s);
    return s;
  }

  async function row(id: string) {
    const client = new pg.Client({ connectionString: db.current.connectionString });
    await client.connect();
    try {
      return (await client.query('SELECT status, claimed_by, attempts, summary, error FROM nightshift.tasks WHERE id = $1', [id]))
        .rows[0];
    } finally {
      await client.end();
    }
  }

  async function oneTask(queue: string): Promise<string> {
    await source(queue, 'setup').ready();
    return (await enqueuePostgresTask(db.current.connectionString, { queue, title: 'lease', prompt: 'p' })).id;
  }

  it('an expired lease makes the task claimable again; the old holder is refused after the takeover', async () => {
    const id = await oneTask('expiry');
    const crashed = source('expiry', 'crashed-laptop');
    const other = source('expiry', 'other-laptop');
    expect((await crashed.claim(id)).ok).toBe(true);
    expect(await other.listClaimable()).toEqual([]); // lease still running

    await sleep(LEASE_MS + 200);
    const listed = await other.listClaimable();
    expect(listed.map((t) => [t.id, t.status])).toEqual([[id, 'todo']]);
    expect((await other.claim(id)).ok).toBe(true);
    await other.complete(id, 'new holder result');

    // The old holder wakes up and reports: a no-op, the new holder's result stands.
    await crashed.complete(id, 'stale result');
    await crashed.fail(id, 'stale failure');
    await crashed.release(id);
    await crashed.heartbeat(id);
    expect(await row(id)).toMatchObject({
      status: 'done',
      claimed_by: 'other-laptop',
      attempts: 2,
      summary: 'new holder result',
    });
  });

  it('a watcher is woken when a lease it saw runs out, although no NOTIFY is sent for it', async () => {
    const id = await oneTask('lease-wake');
    const crashed = source('lease-wake', 'crashed');
    const watcher = source('lease-wake', 'watcher');
    expect((await crashed.claim(id)).ok).toBe(true);
    const wakes: number[] = [];
    const stop = watcher.watch(() => wakes.push(Date.now()));
    try {
      while (!watcher.pushHealthy() || wakes.length === 0) await sleep(10); // the "listening" call
      const listedAt = Date.now();
      expect(await watcher.listClaimable()).toEqual([]); // sees the lease, schedules a wake at its end
      while (wakes.length < 2) await sleep(10);
      expect(wakes[1]! - listedAt).toBeGreaterThan(LEASE_MS / 2);
      expect(wakes[1]! - listedAt).toBeLessThan(LEASE_MS + 500);
      expect((await watcher.listClaimable()).map((t) => t.id)).toEqual([id]);
    } finally {
      stop();
    }
  });

  it('claimNext takes over an expired lease directly', async () => {
    const id = await oneTask('takeover');
    const a = source('takeover', 'a');
    const b = source('takeover', 'b');
    expect((await a.claimNext())?.id).toBe(id);
    expect(await b.claimNext()).toBeNull();
    await sleep(LEASE_MS + 200);
    expect((await b.claimNext())?.id).toBe(id);
    await a.fail(id, 'too late');
    expect(await row(id)).toMatchObject({ status: 'in_progress', claimed_by: 'b', error: null });
  });

  it('heartbeat keeps the lease past its original expiry', async () => {
    const id = await oneTask('heartbeat');
    const holder = source('heartbeat', 'holder');
    const other = source('heartbeat', 'other');
    expect((await holder.claim(id)).ok).toBe(true);
    for (let i = 0; i < 5; i++) {
      await sleep(LEASE_MS / 3);
      await holder.heartbeat(id);
    }
    // 1.67 s after the claim, well past one lease: still held
    expect(await other.listClaimable()).toEqual([]);
    expect(await other.claimNext()).toBeNull();
    await holder.complete(id, 'kept it');
    expect(await row(id)).toMatchObject({ status: 'done', claimed_by: 'holder', attempts: 1, summary: 'kept it' });
  });

  it('a late result is accepted when nobody took the expired task over', async () => {
    const id = await oneTask('late');
    const sleeper = source('late', 'sleeper');
    expect((await sleeper.claim(id)).ok).toBe(true);
    await sleep(LEASE_MS + 200);
    expect((await sleeper.listClaimable()).map((t) => t.id)).toEqual([id]); // swept back to todo
    await sleeper.complete(id, 'finished after waking up');
    expect(await row(id)).toMatchObject({ status: 'done', claimed_by: 'sleeper', summary: 'finished after waking up' });
  });

  it('release hands the task back to todo for anyone', async () => {
    const id = await oneTask('release');
    const a = source('release', 'a');
    expect((await a.claim(id)).ok).toBe(true);
    await a.release(id);
    expect(await row(id)).toMatchObject({ status: 'todo', claimed_by: null });
    expect((await source('release', 'b').claim(id)).ok).toBe(true);
  });
});
