/**
 * Sessions given back to their queue while their agent's conversation and
 * workspace are worth keeping: an environment failure (not logged in, no
 * network), no free slot to resume after a restart, or a quit that gives a
 * remote source's tasks back (loop/release-on-quit.ts). The task goes back to
 * `todo` (no failure, no attempt counted), the session closes, but its
 * workspace is not cleaned and its agent session id stays: the next run of
 * the task on the same daemon and runtime takes both over and resumes the
 * conversation. A parked session whose task moved on (done, cancelled,
 * taken by another worker) is dropped and its workspace cleaned then.
 */
import type { Db } from '../store/db';
import { StatementCache } from '../store/statements';

export interface ParkedSession {
  id: string;
  taskId: string;
  /** The agent's own session id (never null: a session without one is not worth parking). */
  resumeToken: string;
  /** The workspace record. */
  workspace: string;
}

interface Row {
  id: string;
  task_id: string;
  resume_token: string;
  workspace: string;
}

const toParked = (r: Row): ParkedSession => ({
  id: r.id,
  taskId: r.task_id,
  resumeToken: r.resume_token,
  workspace: r.workspace,
});

export class ParkedSessions {
  private readonly sql: StatementCache;

  constructor(private readonly db: Db) {
    this.sql = new StatementCache(db);
  }

  has(id: string): boolean {
    return this.sql.get('SELECT 1 FROM sessions WHERE id = ? AND parked = 1').get(id) !== undefined;
  }

  /** The daemon's parked sessions that have ended (their release is reported), oldest first. */
  list(daemon: string): ParkedSession[] {
    const rows = this.sql
      .get(
        `SELECT id, task_id, resume_token, workspace FROM sessions
         WHERE daemon = ? AND parked = 1 AND state = 'closed' ORDER BY created_at, id`,
      )
      .all(daemon) as Row[];
    return rows.map(toParked);
  }

  /**
   * Hands the newest parked session of this task (same daemon and runtime)
   * over to its next run: returned once, and no longer parked.
   */
  take(daemon: string, taskId: string, runtime: string): ParkedSession | null {
    return this.db.transaction(() => {
      const row = this.sql
        .get(
          `SELECT id, task_id, resume_token, workspace FROM sessions
           WHERE daemon = ? AND task_id = ? AND runtime = ? AND parked = 1 AND state = 'closed'
           ORDER BY created_at DESC, id DESC LIMIT 1`,
        )
        .get(daemon, taskId, runtime) as Row | undefined;
      if (!row) return null;
      this.unpark(row.id);
      return toParked(row);
    })();
  }

  unpark(id: string): void {
    this.sql.get('UPDATE sessions SET parked = 0 WHERE id = ?').run(id);
  }
}
