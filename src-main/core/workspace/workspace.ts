/**
 * Where a session's agent runs, as plain data: it is stored as JSON in the
 * session row and read back (through {@link parseWorkspace}) when a session
 * resumes or its cleanup is retried after a restart.
 */
import { z } from 'zod';
import { ValidationError } from '../errors';

/**
 * The file that marks `<baseDir>/tmp/<session>/` (the parent of a temp
 * workspace) as ours. Cleanup deletes a temp workspace only when it is there,
 * so a corrupted session row can never make it delete an arbitrary directory.
 */
export const TEMP_MARKER = '.nightshift-temp-workspace';

export const WORKSPACE_KINDS = ['worktree', 'cwd', 'temp'] as const;

export const workspaceSchema = z
  .object({
    /** worktree: a git worktree on the task's branch; cwd: the task's own directory; temp: scratch dir. */
    kind: z.enum(WORKSPACE_KINDS),
    /** Absolute directory the agent runs in. */
    path: z.string().startsWith('/', 'must be an absolute path'),
    /** The repository git runs against (`git -C`): the user's repo, or our clone of a URL. */
    repository: z.string().startsWith('/', 'must be an absolute path').optional(),
    /** The task's branch, e.g. `nightshift/t_42`. */
    branch: z.string().min(1).optional(),
    /** What the branch started from (`main`, `origin/main` or a commit); its commits are not the task's work. */
    base: z.string().min(1).optional(),
  })
  .superRefine((ws, ctx) => {
    if (ws.kind !== 'worktree') return;
    for (const key of ['repository', 'branch'] as const) {
      if (!ws[key]) ctx.addIssue({ code: 'custom', path: [key], message: `a worktree workspace needs "${key}"` });
    }
  });

export type Workspace = z.infer<typeof workspaceSchema>;

/** Preparing a workspace failed: the task cannot run (bad cwd, not a repository, clone failed). */
export class WorkspaceError extends Error {
  override readonly name = 'WorkspaceError';
}

/**
 * Removing a workspace failed (git error, locked worktree, fs error). The work
 * is still there; the caller marks the session cleanupPending and retries on a
 * later tick.
 */
export class CleanupError extends Error {
  override readonly name = 'CleanupError';
}

/** Reads a workspace back from its stored JSON; the error names the field that was wrong. */
export function parseWorkspace(json: string): Workspace {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new ValidationError(`stored workspace is not JSON: ${(err as Error).message}`);
  }
  const parsed = workspaceSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ValidationError(`stored workspace is invalid: ${issues}`);
  }
  return parsed.data;
}
