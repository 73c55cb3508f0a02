/**
 * A task as every source describes it and as the views show it
 * (docs/architecture.md, "Task"). Crosses the process boundary: types only,
 * plus the status table the contract validates with.
 */

export const TASK_STATUSES = ['todo', 'in_progress', 'in_review', 'done', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** A unit of work as every source describes it (docs/sources.md, "The HTTP protocol, for anyone writing a server"). */
export interface Task {
  id: string;
  title: string;
  prompt: string;
  status: TaskStatus;
  /** Preferred runtime name ("claude", "codex", "command", ...). */
  runtime?: string;
  /** Working directory on this machine. */
  cwd?: string;
  /** A git URL or local repository path to run in a worktree. */
  repository?: string;
  /** ISO 8601. */
  created_at: string;
}

/** A task in the local queue (the queue's name rides along). */
export interface LocalTask extends Task {
  queue: string;
  updated_at: string;
  /** Summary (done, in_review) or error (failed) from the last run. */
  result: string | null;
  /** For a todo task no daemon can take: why (unknown queue or runtime, runtime unavailable, daemon paused). */
  blocked: string | null;
  /** In `listTasks` replies: `prompt` holds only its first {@link PROMPT_PREVIEW_CHARS} characters; `getTask` has it all. */
  promptTruncated?: boolean;
}

/** Lists carry this much of each task's text: a list of large tasks stays small; the full text is one `getTask` away. */
export const PROMPT_PREVIEW_CHARS = 2048;
