/**
 * The rest of the TaskSource contract against a real PostgreSQL: get/notes,
 * outcomes, request counting, and errors classified for the loop.
 */
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { SourceError } from '../../src-main/core/errors';
import {
  addPostgresNote,
  createPostgresSource,
  enqueuePostgresTask,
  type PostgresTaskSource,
} from '../../src-main/core/sources/postgres';
import { describePg, pgSourceConfig, socketConnectionString, useTestDatabase } from '../support/postgres';

describePg('postgres source contract', () => {
  const db = useTestDatabase();
  const open: PostgresTaskSource[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  function source(queue: string, overrides: Parameters<typeof pgSourceConfig>[1] = {}): PostgresTaskSource {
    const s = createPostgresSource(pgSourceConfig(db.current, { queue, ...overrides }), { daemon: 'contract', worker: 'w' });
    open.push(s);
    return s;
  }

  async function sql(text: string, params: unknown[] = []) {
    const client = new pg.Client({ connectionString: db.current.connectionString });
    await client.connect();
    try {
      return await client.query(text, params);
    } finally {
      await client.end();
    }
  }

  it('get returns the protocol task, then null once the row is deleted', async () => {
    const s = source('get');
    await s.ready();
    const created = await enqueuePostgresTask(db.current.connectionString, {
      queue: 'get',
      title: 'Fix the build',
      prompt: 'make it green',
      runtime: 'claude',
      cwd: '/tmp/repo',
    });
    expect(created.id).toMatch(/^t_[0-9a-f]{32}$/);
    const got = await s.get(created.id);
    expect(got).toEqual({
      id: created.id,
      title: 'Fix the build',
      prompt: 'make it green',
      status: 'todo',
      runtime: 'claude',
      cwd: '/tmp/repo',
      created_at: created.created_at,
    });
    expect(new Date(got!.created_at).toISOString()).toBe(got!.created_at);
    await sql('DELETE FROM nightshift.tasks WHERE id = $1', [created.id]);
    expect(await s.get(created.id)).toBeNull();
  });

  it('complete → done with summary, fail → failed with error', async () => {
    const s = source('outcomes');
    await s.ready();
    const a = await enqueuePostgresTask(db.current.connectionString, { id: 'ok-1', queue: 'outcomes', title: 'a', prompt: 'a' });
    const b = await enqueuePostgresTask(db.current.connectionString, { id: 'bad-1', queue: 'outcomes', title: 'b', prompt: 'b' });
    await s.claim(a.id);
    await s.claim(b.id);
    await s.complete(a.id, 'all good');
    await s.fail(b.id, 'exit 1');
    const rows = await sql(
      "SELECT id, status, summary, error, lease_until FROM nightshift.tasks WHERE queue = 'outcomes' ORDER BY id",
    );
    expect(rows.rows).toEqual([
      { id: 'bad-1', status: 'failed', summary: null, error: 'exit 1', lease_until: null },
      { id: 'ok-1', status: 'done', summary: 'all good', error: null, lease_until: null },
    ]);
  });

  it('notes come from the notes table in insertion order', async () => {
    const s = source('notes');
    await s.ready();
    const t = await enqueuePostgresTask(db.current.connectionString, { queue: 'notes', title: 'n', prompt: 'n' });
    expect(await s.notes(t.id)).toEqual([]);
    await addPostgresNote(db.current.connectionString, t.id, { action: 'rejected', detail: 'tests fail' });
    await addPostgresNote(db.current.connectionString, t.id, { action: 'comment' });
    const notes = await s.notes(t.id);
    expect(notes.map((n) => [n.action, n.detail])).toEqual([
      ['rejected', 'tests fail'],
      ['comment', ''],
    ]);
  });

  it('requestCount counts each query, migration included', async () => {
    const s = source('count');
    expect(s.requestCount()).toBe(0);
    await s.listClaimable();
    const afterFirst = s.requestCount();
    expect(afterFirst).toBeGreaterThan(1); // migration statements + the listing
    await s.listClaimable();
    await s.get('nope');
    expect(s.requestCount()).toBe(afterFirst + 2);
  });

  it('enqueue validates its input and names the bad field', async () => {
    await expect(enqueuePostgresTask(db.current.connectionString, { queue: 'v', title: '', prompt: 'p' })).rejects.toThrow(
      /title/,
    );
    await expect(
      enqueuePostgresTask(db.current.connectionString, { queue: 'v', title: 't', prompt: 'p', colour: 'red' } as never),
    ).rejects.toThrow(/unknown key "colour"/);
  });

  it('a hand-edited row that breaks the protocol is a transient SourceError naming the field', async () => {
    const s = source('broken');
    await s.ready();
    await sql('ALTER TABLE nightshift.tasks DROP CONSTRAINT IF EXISTS tasks_status_check');
    await sql("INSERT INTO nightshift.tasks (id, queue, title, prompt, status) VALUES ('weird', 'broken', 't', 'p', 'todo')");
    await sql("UPDATE nightshift.tasks SET status = 'sleeping' WHERE id = 'weird'");
    const err = await s.get('weird').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).kind).toBe('transient');
    expect((err as SourceError).message).toMatch(/status/);
  });

  it('a database that does not exist is "unauthorized" (a config problem: stop polling)', async () => {
    const s = createPostgresSource(
      pgSourceConfig({ name: 'x', connectionString: socketConnectionString('no_such_db_nightshift') }),
      { daemon: 'd' },
    );
    open.push(s);
    const err = await s.listClaimable().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).kind).toBe('unauthorized');
    expect((err as SourceError).message).toMatch(/no_such_db_nightshift/);
  });

  it('a server that refuses connections is transient (error backoff, then retry)', async () => {
    const s = createPostgresSource(
      pgSourceConfig({ name: 'x', connectionString: 'postgresql://root@127.0.0.1:1/x?connect_timeout=2' }),
      { daemon: 'd' },
    );
    open.push(s);
    const err = await s.listClaimable().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).kind).toBe('transient');
  });
});
