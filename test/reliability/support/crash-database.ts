/**
 * Reads the state a killed run left in its SQLite file, read-only: a
 * read-write connection would checkpoint the WAL on close and hand the next
 * run a cleaner database than a real crash does.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

export interface SessionFacts {
  id: string;
  taskId: string;
  state: string;
  outcome: string | null;
  pid: number | null;
}

export interface DatabaseFacts {
  integrity: string;
  tasks: Map<string, string>;
  sessions: SessionFacts[];
}

/** `integrity` is "absent" when the run was killed before it created its database. */
export function readDatabase(path: string): DatabaseFacts {
  if (!existsSync(path)) return { integrity: 'absent', tasks: new Map(), sessions: [] };
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    const integrity = rows.map((r) => r.integrity_check).join('; ');
    const tasks = new Map(
      (db.prepare('SELECT id, status FROM tasks').all() as { id: string; status: string }[]).map((r) => [r.id, r.status]),
    );
    const sessions = db.prepare('SELECT id, task_id AS taskId, state, outcome, pid FROM sessions').all() as SessionFacts[];
    return { integrity, tasks, sessions };
  } finally {
    db.close();
  }
}
