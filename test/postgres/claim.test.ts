/**
 * Claiming from the shared queue with several daemons in one process, against
 * a real PostgreSQL: every task is claimed exactly once and none is lost,
 * both through the loop's listClaimable + claim(id) and through claimNext().
 */
import { afterEach, expect, it } from 'vitest';
import { createPostgresSource, enqueuePostgresTask, type PostgresTaskSource } from '../../src-main/core/sources/postgres';
import { describePg, pgSourceConfig, useTestDatabase } from '../support/postgres';

describePg('postgres claims', () => {
  const db = useTestDatabase();
  const open: PostgresTaskSource[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close?.()));
  });

  function source(queue: string, worker: string): PostgresTaskSource {
    const s = createPostgresSource(pgSourceConfig(db.current, { queue }), { daemon: 'd', worker });
    open.push(s);
    return s;
  }

  async function enqueue(queue: string, n: number): Promise<string[]> {
    const first = source(queue, 'setup');
    await first.ready();
    const ids: string[] = [];
    for (let i = 0; i < n; i++)
      ids.push((await enqueuePostgresTask(db.current.connectionString, { queue, title: `t${i}`, prompt: `p${i}` })).id);
    return ids;
  }

  it('claim(id): ok, then already_claimed for a second worker, gone for a missing id', async () => {
    const [id] = await enqueue('single', 1);
    const a = source('single', 'a');
    const b = source('single', 'b');
    const won = await a.claim(id!);
    expect(won).toMatchObject({ ok: true, task: { id, status: 'in_progress', title: 't0' } });
    expect(await b.claim(id!)).toEqual({ ok: false, reason: 'already_claimed' });
    expect(await b.claim('t_missing')).toEqual({ ok: false, reason: 'gone' });
    expect(await a.listClaimable()).toEqual([]);
  });

  it('a task of another queue is neither listed nor claimable', async () => {
    const [id] = await enqueue('other-q', 1);
    const s = source('my-q', 'w');
    expect(await s.listClaimable()).toEqual([]);
    expect(await s.claim(id!)).toEqual({ ok: false, reason: 'gone' });
  });

  it('five daemons racing with listClaimable + claim(id) over 100 tasks: each claimed once, none lost', async () => {
    const ids = await enqueue('race-list', 100);
    const won = new Map<string, string[]>();
    const daemons = Array.from({ length: 5 }, (_, i) => source('race-list', `w${i}`));
    await Promise.all(
      daemons.map(async (d) => {
        for (;;) {
          const list = await d.listClaimable();
          if (list.length === 0) return;
          for (const task of list.slice(0, 3)) {
            const r = await d.claim(task.id);
            if (r.ok) won.set(task.id, [...(won.get(task.id) ?? []), d.worker]);
            else expect(r.reason).toBe('already_claimed');
          }
        }
      }),
    );
    expect([...won.keys()].sort()).toEqual([...ids].sort());
    expect([...won.values()].every((w) => w.length === 1)).toBe(true);
    // every daemon got some work: the race was real
    expect(new Set([...won.values()].flat()).size).toBeGreaterThan(1);
  });

  it('five daemons racing with claimNext (SKIP LOCKED) over 100 tasks: each claimed once, none lost', async () => {
    const ids = await enqueue('race-next', 100);
    const won: string[] = [];
    const daemons = Array.from({ length: 5 }, (_, i) => source('race-next', `n${i}`));
    await Promise.all(
      daemons.map(async (d) => {
        for (let task = await d.claimNext(); task; task = await d.claimNext()) {
          expect(task.status).toBe('in_progress');
          won.push(task.id);
        }
      }),
    );
    expect(won).toHaveLength(100);
    expect([...won].sort()).toEqual([...ids].sort());
  });
});
