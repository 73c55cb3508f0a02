/**
 * The team queue's schema, as numbered migrations. The source applies them at
 * start; teams that prefer to own their DDL apply the same SQL by hand
 * (docs/postgres.md prints it for the default schema, and a test keeps the two
 * identical).
 *
 * All DDL runs in one transaction behind a transaction-scoped advisory lock:
 * without it two daemons starting together both run `CREATE TABLE IF NOT
 * EXISTS` and one fails on a catalog unique violation.
 */
import type pg from 'pg';
import { ValidationError } from '../../errors';

/** First half of the two-key advisory lock: "NS" — keeps us clear of other apps' lock ids. */
const LOCK_CLASS = 0x4e53;

/** LISTEN channel for a schema; NOTIFY names are identifiers (≤ 63 bytes). */
export function notifyChannel(schema: string): string {
  return `${schema}:tasks`;
}

export function assertSchemaName(schema: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema) || schema.length > 57) {
    throw new ValidationError(
      `postgres source: schema "${schema}" must be letters, digits and "_" (not starting with a digit), at most 57 characters`,
    );
  }
}

/** `"schema"` — callers have passed {@link assertSchemaName}, so quoting is enough. */
export function ident(schema: string): string {
  return `"${schema}"`;
}

function migration1(schema: string): string {
  const s = ident(schema);
  return `CREATE TABLE IF NOT EXISTS ${s}.tasks (
  id          text PRIMARY KEY DEFAULT ('t_' || replace(gen_random_uuid()::text, '-', '')),
  queue       text NOT NULL DEFAULT 'default',
  title       text NOT NULL,
  prompt      text NOT NULL,
  status      text NOT NULL DEFAULT 'todo'
              CHECK (status IN ('todo', 'in_progress', 'in_review', 'done', 'failed', 'cancelled')),
  runtime     text,
  cwd         text,
  repository  text,
  -- the worker holding the task, kept after a lease expires so that its late
  -- result is still accepted while nobody else has taken the task over
  claimed_by  text,
  lease_until timestamptz,
  attempts    integer NOT NULL DEFAULT 0,
  summary     text,
  error       text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
-- the claim query and listClaimable: oldest todo task of one queue
CREATE INDEX IF NOT EXISTS tasks_claimable ON ${s}.tasks (queue, created_at, id) WHERE status = 'todo';
-- the lease sweep: expired in_progress tasks of one queue
CREATE INDEX IF NOT EXISTS tasks_leases ON ${s}.tasks (queue, lease_until) WHERE status = 'in_progress';

CREATE TABLE IF NOT EXISTS ${s}.notes (
  id         bigserial PRIMARY KEY,
  task_id    text NOT NULL REFERENCES ${s}.tasks (id) ON DELETE CASCADE,
  action     text NOT NULL,
  detail     text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS notes_task ON ${s}.notes (task_id, id);

-- wakes LISTENing daemons on insert, status change and delete
CREATE OR REPLACE FUNCTION ${s}.notify_task_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status THEN RETURN NULL; END IF;
  PERFORM pg_notify('${notifyChannel(schema)}',
    json_build_object('op', lower(TG_OP), 'queue', r.queue, 'id', r.id, 'status', r.status)::text);
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS tasks_notify ON ${s}.tasks;
CREATE TRIGGER tasks_notify AFTER INSERT OR DELETE OR UPDATE OF status ON ${s}.tasks
  FOR EACH ROW EXECUTE FUNCTION ${s}.notify_task_change();`;
}

/** Numbered migrations; append, never edit a shipped one. */
export function migrations(schema: string): { version: number; sql: string }[] {
  return [{ version: 1, sql: migration1(schema) }];
}

/** The complete DDL a team can apply by hand (what {@link migratePostgres} would do on an empty database). */
export function schemaSql(schema: string): string {
  assertSchemaName(schema);
  const s = ident(schema);
  const parts = [
    `CREATE SCHEMA IF NOT EXISTS ${s};`,
    `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());`,
  ];
  for (const m of migrations(schema)) {
    parts.push(m.sql, `INSERT INTO ${s}.schema_migrations (version) VALUES (${m.version}) ON CONFLICT DO NOTHING;`);
  }
  return `${parts.join('\n\n')}\n`;
}

export interface MigrationResult {
  /** Versions applied now; empty when the schema was already current. */
  applied: number[];
  /** Statements sent, for the caller's request count. */
  statements: number;
}

/** Applies the missing migrations in one transaction, serialised across processes by an advisory lock. */
export async function migratePostgres(client: pg.PoolClient | pg.Client, schema: string): Promise<MigrationResult> {
  assertSchemaName(schema);
  const s = ident(schema);
  const applied: number[] = [];
  // Up to date already: no DDL at all, so a role without CREATE can use a
  // schema its team applied by hand (PostgreSQL checks the privilege even
  // for CREATE … IF NOT EXISTS).
  const table = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [`${s}.schema_migrations`]);
  if (table.rows[0]?.t) {
    const done = await client.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`);
    const have = new Set(done.rows.map((r) => r.version));
    if (migrations(schema).every((m) => have.has(m.version))) return { applied, statements: 2 };
  }
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = await client.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`);
    const have = new Set(done.rows.map((r) => r.version));
    for (const m of migrations(schema)) {
      if (have.has(m.version)) continue;
      await client.query(m.sql);
      await client.query(`INSERT INTO ${s}.schema_migrations (version) VALUES ($1)`, [m.version]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
  return { applied, statements: 6 + 2 * applied.length };
}
