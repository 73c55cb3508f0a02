/**
 * Where an agent runs, as the loop sees it: prepared before the first run,
 * reused on resume, cleaned (never discarding work) when the session ends.
 * The implementation (git worktrees, temp dirs) lives in core/workspace/.
 */
import type { Task } from '@shared/task';

export interface PreparedWorkspace {
  /** The agent's working directory. */
  path: string;
  /** Opaque JSON stored in the session row and handed back to cleanup. */
  record: string;
}

export interface WorkspacePort {
  prepare(task: Task, sessionId: string): Promise<PreparedWorkspace>;
  /** Resolves with the directory of a stored record (resume after restart). */
  pathOf(record: string): string;
  /** `kept` says why work was left in place; throws to have the cleanup retried. */
  cleanup(record: string): Promise<{ removed: boolean; kept?: string }>;
}
