/**
 * A shared task table on a team's PostgreSQL as a {@link TaskSource}
 * (docs/postgres.md). Daemons on several laptops claim from the
 * same queue: a claim is one conditional UPDATE, so a task is taken exactly
 * once; a claim carries a lease the holder renews, so a crashed or sleeping
 * laptop's tasks come back; LISTEN/NOTIFY wakes idle daemons within
 * milliseconds, and the loop's timer only runs a slow reconcile poll.
 *
 * Results (complete/fail/release) are accepted only from the current holder.
 * A worker whose lease was taken over gets a no-op plus a warning — not an
 * error — because the same no-op also makes an outbox re-send after a lost
 * acknowledgement harmless, and an error would only make the loop retry.
 */
import { hostname } from 'node:os';
import type { Task } from '@shared/task';
import pg from 'pg';
import type { Clock } from '../../clock';
import { systemClock } from '../../clock';
import type { SourceConfig } from '../../config';
import { type Logger, silentLogger } from '../../log';
import type { ClaimResult, TaskNote, TaskSource } from '../port';
import { clientConfigFrom, toSourceError } from './connection';
import { TaskChannelListener } from './listener';
import { assertSchemaName, ident, migratePostgres, notifyChannel } from './migrations';
import { rowToNote, rowToTask } from './rows';

export type PostgresSourceConfig = Extract<SourceConfig, { kind: 'postgres' }>;

export interface PostgresSourceOptions {
  daemon: string;
  /** How this daemon names itself in `claimed_by`; default `<hostname>/<daemon>` (stable across restarts). */
  worker?: string;
  clock?: Clock;
  logger?: Logger;
  /** LISTEN reconnect backoff (jittered, doubling); defaults 500 ms → 30 s. */
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  /** Ping on the LISTEN connection; default 60 s. */
  keepaliveMs?: number;
  random?: () => number;
}

export interface PostgresTaskSource extends TaskSource {
  readonly worker: string;
  /** Claims the oldest claimable task (or one whose lease expired) with FOR UPDATE SKIP LOCKED; null when none. */
  claimNext(): Promise<Task | null>;
  /** Runs the migration now (it otherwise runs before the first query). */
  ready(): Promise<void>;
  heartbeat(id: string): Promise<boolean>;
  readonly heartbeatIntervalMs: number;
  watch(onChange: () => void): () => void;
  pushHealthy(): boolean;
  close(): Promise<void>;
}

/** Enough for any pool of agent slots; listClaimable stays one cheap index scan. */
const LIST_LIMIT = 100;
/** Wake a little after a lease's end so that the sweep surely sees it expired. */
const LEASE_WAKE_MARGIN_MS = 50;

export function createPostgresSource(config: PostgresSourceConfig, options: PostgresSourceOptions): PostgresTaskSource {
  assertSchemaName(config.schema);
  const worker = options.worker ?? config.worker ?? `${hostname()}/${options.daemon}`;
  const logger = options.logger ?? silentLogger;
  const scope = `source[${options.daemon}]`;
  const clock = options.clock ?? systemClock;
  const clientConfig = clientConfigFrom(config.connectionString);
  const t = `${ident(config.schema)}.tasks`;
  const notesTable = `${ident(config.schema)}.notes`;
  const lease = `now() + ($3::double precision * interval '1 millisecond')`;
  let requests = 0;

  const pool = new pg.Pool({ ...clientConfig, max: 4, idleTimeoutMillis: 120_000, application_name: 'nightshift' });
  // An idle pooled connection the server closed must not crash the process; the next query reconnects.
  pool.on('error', (err) => logger.log('warn', scope, `idle connection lost: ${err.message}`));

  const listener = new TaskChannelListener({
    clientConfig,
    channel: notifyChannel(config.schema),
    queue: config.queue,
    clock,
    logger,
    scope,
    countRequest: () => requests++,
    reconnectBaseMs: options.reconnectBaseMs ?? 500,
    reconnectMaxMs: options.reconnectMaxMs ?? 30_000,
    keepaliveMs: options.keepaliveMs ?? 1_800_000,
    random: options.random ?? Math.random,
    prepare: () => ready(),
  });

  /**
   * A lease running out sends no NOTIFY (nothing changes in the table until
   * someone sweeps it), so while push is healthy and the timer only runs the
   * slow reconcile poll, a crashed laptop's task would wait for that poll.
   * Instead, wake the watchers when the next lease we saw is due. The delay
   * comes from the database's clock, so laptop clock skew does not matter.
   */
  let cancelLeaseWake: (() => void) | null = null;
  function scheduleLeaseWake(inMs: number | null): void {
    cancelLeaseWake?.();
    cancelLeaseWake = inMs === null ? null : clock.setTimer(() => listener.wake(), Math.max(0, inMs) + LEASE_WAKE_MARGIN_MS);
  }

  let migrated: Promise<void> | null = null;
  function ready(): Promise<void> {
    migrated ??= (async () => {
      const client = await pool.connect();
      try {
        const result = await migratePostgres(client, config.schema);
        requests += result.statements;
        if (result.applied.length) logger.log('info', scope, `migrated schema "${config.schema}" to v${result.applied.at(-1)}`);
      } finally {
        client.release();
      }
    })().catch((err) => {
      migrated = null; // try again on the next call
      throw toSourceError(err, 'migration');
    });
    return migrated;
  }

  async function query(what: string, sql: string, params: unknown[]): Promise<pg.QueryResult> {
    await ready();
    requests++;
    let result: pg.QueryResult;
    try {
      result = await pool.query(sql, params);
    } catch (err) {
      throw toSourceError(err, what);
    }
    // The server answers: a LISTEN connection still waiting out its reconnect backoff comes back now.
    listener.serverAnswered();
    return result;
  }

  /** complete/fail/release: only the current holder (or the last one, if nobody took over its expired lease). */
  async function finish(what: string, id: string, set: string, value?: string): Promise<void> {
    const res = await query(
      what,
      `UPDATE ${t} SET ${set}, lease_until = NULL, updated_at = now()
       WHERE id = $1 AND claimed_by = $2 AND status IN ('in_progress', 'todo') RETURNING id`,
      value === undefined ? [id, worker] : [id, worker, value],
    );
    if (res.rowCount === 0) {
      logger.log(
        'warn',
        scope,
        `${what} ${id}: ignored, ${worker} no longer holds the task (lease taken over, or already reported)`,
      );
    }
  }

  return {
    // Three renewals per lease: one lost renewal never loses the task.
    heartbeatIntervalMs: Math.min(15_000, Math.floor(config.leaseMs / 3)),
    kind: config.kind,
    worker,
    reconcileIntervalMs: config.reconcileIntervalMs,
    ready,

    async listClaimable() {
      // Expired leases go back to todo in the same statement (their trigger wakes the other daemons too),
      // and the same statement says when the next lease held elsewhere runs out (the RIGHT JOIN keeps
      // that one row when nothing is claimable).
      const res = await query(
        'listClaimable',
        `WITH expired AS (
           UPDATE ${t} SET status = 'todo', lease_until = NULL, updated_at = now()
           WHERE queue = $1 AND status = 'in_progress' AND lease_until < now()
           RETURNING *),
         next_expiry AS (
           SELECT ceil(extract(epoch FROM min(lease_until) - now()) * 1000)::float8 AS next_lease_ms
           FROM ${t} WHERE queue = $1 AND status = 'in_progress' AND lease_until >= now())
         SELECT claimable.*, next_expiry.next_lease_ms FROM (
           SELECT *, false AS reclaimed FROM ${t} WHERE queue = $1 AND status = 'todo'
           UNION ALL SELECT *, true FROM expired
           ORDER BY created_at, id LIMIT $2) AS claimable
         RIGHT JOIN next_expiry ON true`,
        [config.queue, LIST_LIMIT],
      );
      const rows = res.rows as {
        id: string | null;
        reclaimed: boolean;
        claimed_by: string | null;
        next_lease_ms: number | null;
      }[];
      scheduleLeaseWake(rows[0]?.next_lease_ms ?? null);
      const tasks: Task[] = [];
      for (const row of rows) {
        if (row.id === null) continue;
        if (row.reclaimed) logger.log('info', scope, `task ${row.id}: lease of ${row.claimed_by} expired, claimable again`);
        tasks.push(rowToTask(row));
      }
      return tasks;
    },

    async claim(id): Promise<ClaimResult> {
      // One statement: the conditional update, and whether the row exists at all (gone vs. lost race).
      const res = await query(
        'claim',
        `WITH claimed AS (
           UPDATE ${t} SET status = 'in_progress', claimed_by = $2, lease_until = ${lease},
                  attempts = attempts + 1, updated_at = now()
           WHERE id = $1 AND queue = $4 AND status = 'todo' RETURNING *)
         SELECT c.*, EXISTS (SELECT 1 FROM ${t} WHERE id = $1 AND queue = $4) AS present
         FROM (SELECT 1) AS one LEFT JOIN claimed c ON true`,
        [id, worker, config.leaseMs, config.queue],
      );
      const row = res.rows[0] as { id: string | null; present: boolean };
      if (row.id !== null) return { ok: true, task: rowToTask(row) };
      return { ok: false, reason: row.present ? 'already_claimed' : 'gone' };
    },

    async claimNext() {
      const res = await query(
        'claimNext',
        `UPDATE ${t} AS t SET status = 'in_progress', claimed_by = $2, lease_until = ${lease},
                attempts = t.attempts + 1, updated_at = now()
         WHERE t.id = (
           SELECT id FROM ${t}
           WHERE queue = $1 AND (status = 'todo' OR (status = 'in_progress' AND lease_until < now()))
           ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING t.*`,
        [config.queue, worker, config.leaseMs],
      );
      return res.rows[0] ? rowToTask(res.rows[0]) : null;
    },

    async get(id) {
      const res = await query('get', `SELECT * FROM ${t} WHERE id = $1`, [id]);
      return res.rows[0] ? rowToTask(res.rows[0]) : null;
    },

    complete: (id, summary) => finish('complete', id, `status = 'done', summary = $3`, summary),
    fail: (id, error) => finish('fail', id, `status = 'failed', error = $3`, error),
    release: (id) => finish('release', id, `status = 'todo', claimed_by = NULL`),

    async heartbeat(id) {
      // Also re-takes a task whose lease expired while we slept, as long as nobody else claimed it.
      const res = await query(
        'heartbeat',
        `UPDATE ${t} SET status = 'in_progress', lease_until = ${lease}, updated_at = now()
         WHERE id = $1 AND claimed_by = $2 AND status IN ('in_progress', 'todo') RETURNING id`,
        [id, worker, config.leaseMs],
      );
      if (res.rowCount === 0) logger.log('warn', scope, `heartbeat ${id}: lease lost, another worker holds the task or it ended`);
      return res.rowCount !== 0;
    },

    async notes(id): Promise<TaskNote[]> {
      const res = await query('notes', `SELECT action, detail, created_at FROM ${notesTable} WHERE task_id = $1 ORDER BY id`, [
        id,
      ]);
      return res.rows.map(rowToNote);
    },

    watch: (onChange) => listener.subscribe(onChange),

    pushHealthy: () => listener.isHealthy(),
    // The trigger NOTIFYs on every status change, so a healthy LISTEN reports cancellations itself.
    pushesStatusChanges: () => listener.isHealthy(),
    requestCount: () => requests,

    async close() {
      cancelLeaseWake?.();
      await listener.close();
      await pool.end();
    },
  };
}
