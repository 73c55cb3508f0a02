/**
 * Numbered schema migrations; index i upgrades version i to i+1. Never edit a
 * shipped entry: add a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE tasks (
    id          TEXT PRIMARY KEY,
    seq         INTEGER NOT NULL,
    queue       TEXT NOT NULL,
    title       TEXT NOT NULL,
    prompt      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('todo','in_progress','in_review','done','failed','cancelled')),
    runtime     TEXT,
    cwd         TEXT,
    repository  TEXT,
    result      TEXT,
    claimed_by  TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
  );
  CREATE INDEX tasks_by_queue_status ON tasks (queue, status, seq);

  CREATE TABLE task_notes (
    id          INTEGER PRIMARY KEY,
    task_id     TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    action      TEXT NOT NULL,
    detail      TEXT NOT NULL,
    created_at  TEXT NOT NULL
  );
  CREATE INDEX task_notes_by_task ON task_notes (task_id, id);

  CREATE TABLE sessions (
    id              TEXT PRIMARY KEY,
    daemon          TEXT NOT NULL,
    task_id         TEXT NOT NULL,
    task_title      TEXT NOT NULL,
    runtime         TEXT NOT NULL,
    state           TEXT NOT NULL,
    outcome         TEXT,
    attempt         INTEGER NOT NULL DEFAULT 0,
    pid             INTEGER,
    resume_token    TEXT,
    resume_after    INTEGER,
    workspace       TEXT,
    result          TEXT,
    reported        INTEGER NOT NULL DEFAULT 0,
    cleanup_pending INTEGER NOT NULL DEFAULT 0,
    last_output     TEXT NOT NULL DEFAULT '[]',
    log_path        TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    ended_at        INTEGER
  );
  CREATE INDEX sessions_by_daemon_state ON sessions (daemon, state);
  CREATE INDEX sessions_by_task ON sessions (task_id);
  CREATE INDEX sessions_by_created ON sessions (created_at);

  CREATE TABLE session_events (
    id          INTEGER PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    event       TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    detail      TEXT
  );
  CREATE INDEX session_events_by_session ON session_events (session_id, id);

  CREATE TABLE ticks (
    id            INTEGER PRIMARY KEY,
    daemon        TEXT NOT NULL,
    at            INTEGER NOT NULL,
    delay_ms      INTEGER NOT NULL,
    reason        TEXT NOT NULL,
    requests      INTEGER NOT NULL,
    dispatched    INTEGER NOT NULL,
    active        INTEGER NOT NULL,
    rate_limited  INTEGER NOT NULL,
    max           INTEGER NOT NULL,
    error         TEXT
  );
  CREATE INDEX ticks_by_daemon_at ON ticks (daemon, at);

  CREATE TABLE request_counts (
    daemon    TEXT NOT NULL,
    day       TEXT NOT NULL,
    requests  INTEGER NOT NULL DEFAULT 0,
    ticks     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (daemon, day)
  );

  CREATE TABLE daemon_state (
    daemon  TEXT PRIMARY KEY,
    paused  INTEGER NOT NULL DEFAULT 0,
    tuning  TEXT
  );

  CREATE TABLE runtime_pauses (
    runtime       TEXT PRIMARY KEY,
    paused_until  INTEGER NOT NULL,
    reason        TEXT NOT NULL
  );

  CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
  );
  `,
  // The idle curve's delay and the push health at each tick, for the backoff view.
  `
  ALTER TABLE ticks ADD COLUMN curve_ms INTEGER;
  ALTER TABLE ticks ADD COLUMN push INTEGER;
  `,
  // Environment failures share the rate-limit pause: its kind, the probe backoff step, and
  // whether the one probe run of the current step has been started.
  `
  ALTER TABLE runtime_pauses ADD COLUMN kind TEXT NOT NULL DEFAULT 'rate_limit';
  ALTER TABLE runtime_pauses ADD COLUMN step INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE runtime_pauses ADD COLUMN probing INTEGER NOT NULL DEFAULT 0;
  `,
  // A session given back with its agent session and workspace kept for the task's next run (sessions/parked.ts).
  `
  ALTER TABLE sessions ADD COLUMN parked INTEGER NOT NULL DEFAULT 0;
  `,
];
