/**
 * Removes a finished session's workspace without ever discarding work: a
 * worktree holding uncommitted changes or unpushed commits is kept (and the
 * result says why), and git is only asked for its non-forcing operations
 * (`worktree remove` without --force, `branch -d`, never -D). Failures throw
 * {@link CleanupError} so the caller retries on a later tick.
 */
import { rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errorMessage } from '../errors';
import { type Logger, silentLogger } from '../log';
import { GitError, gitIn } from './git';
import { inspectWorkspace, keptReason } from './inspect';
import { withRepoLock } from './repo-lock';
import { CleanupError, TEMP_MARKER, type Workspace } from './workspace';
import { branchExists, isDirectory } from './worktree';

export type CleanupResult = { removed: true } | { removed: false; kept: string };

export async function cleanupWorkspace(ws: Workspace, opts: { logger?: Logger } = {}): Promise<CleanupResult> {
  const logger = opts.logger ?? silentLogger;
  try {
    if (ws.kind === 'cwd') return { removed: false, kept: 'workspace kept: the task runs in its own directory (cwd)' };
    if (ws.kind === 'temp') return await removeTempDir(ws.path);
    return await removeWorktree(ws, logger);
  } catch (err) {
    if (err instanceof CleanupError) throw err;
    throw new CleanupError(`cleanup of ${ws.path} failed: ${errorMessage(err)}`, { cause: err });
  }
}

async function removeTempDir(path: string): Promise<CleanupResult> {
  const root = dirname(path);
  if (!(await isDirectory(root))) return { removed: true };
  const marked = await stat(join(root, TEMP_MARKER)).then(
    () => true,
    () => false,
  );
  if (!marked)
    throw new CleanupError(`refusing to delete ${root}: it has no ${TEMP_MARKER}, so it is not a temp workspace of ours`);
  await rm(root, { recursive: true });
  return { removed: true };
}

async function removeWorktree(ws: Workspace, logger: Logger): Promise<CleanupResult> {
  const repo = ws.repository!;
  const branch = ws.branch!;
  if (!(await isDirectory(repo))) throw new CleanupError(`repository ${repo} of workspace ${ws.path} is gone`);
  return withRepoLock(repo, async () => {
    const kept = keptReason(await inspectWorkspace(ws));
    if (kept) {
      logger.log('info', 'workspace', `${kept} (${ws.path} on ${branch})`);
      return { removed: false, kept };
    }
    // Idempotent: a retry after a partial cleanup skips the steps already done.
    if (await isDirectory(ws.path)) await gitIn(repo, ['worktree', 'remove', ws.path]);
    await gitIn(repo, ['worktree', 'prune']);
    if (await branchExists(repo, branch)) await deleteBranch(repo, branch, logger);
    logger.log('info', 'workspace', `removed worktree ${ws.path} and branch ${branch}`);
    return { removed: true };
  });
}

async function deleteBranch(repo: string, branch: string, logger: Logger): Promise<void> {
  try {
    await gitIn(repo, ['branch', '-d', branch]);
  } catch (err) {
    // `-d` only accepts branches merged into their upstream (the base). Commits that were pushed to
    // another remote branch are safe (inspection found none unpushed), but -d cannot know that:
    // leave the branch, which costs nothing, rather than force-deleting it.
    if (err instanceof GitError && err.stderr.includes('not fully merged')) {
      logger.log('info', 'workspace', `branch ${branch} left in ${repo}: its commits are pushed but not merged into its base`);
      return;
    }
    throw err;
  }
}
