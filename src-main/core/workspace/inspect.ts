/**
 * Is there work in a worktree that removing it would lose? Uncommitted
 * changes (untracked files included), and commits that no other ref keeps.
 */
import { gitIn, gitSucceeds } from './git';
import type { Workspace } from './workspace';
import { branchExists, isDirectory } from './worktree';

export interface WorkspaceState {
  dirty: boolean;
  /** Commits on the task branch (or the worktree's HEAD) reachable from no remote-tracking branch, no other local branch and not from `base`. */
  unpushedCommits: number;
}

/**
 * Only worktrees hold work we must protect: a `cwd` workspace is never
 * removed, and a temp dir is scratch space by definition, so both report clean.
 *
 * "Unpushed" counts what deleting the task branch would lose: commits not on
 * any remote-tracking branch (pushed), not on `base` (for a local repository
 * without a remote, that is the branch the task started from; commits the
 * user merged there are safe too) and not on any other local branch.
 */
export async function inspectWorkspace(ws: Workspace): Promise<WorkspaceState> {
  if (ws.kind !== 'worktree' || !ws.repository || !ws.branch) return { dirty: false, unpushedCommits: 0 };
  const repo = ws.repository;
  const present = await isDirectory(ws.path);
  const dirty = present && (await gitIn(ws.path, ['status', '--porcelain', '--untracked-files=all'])) !== '';

  // The agent may have switched its worktree to another branch or detached HEAD: count both tips.
  const tips = present ? ['HEAD'] : [];
  if (await branchExists(repo, ws.branch)) tips.push(`refs/heads/${ws.branch}`);
  if (tips.length === 0) return { dirty, unpushedCommits: 0 };

  // --exclude applies to the next --branches only, and takes the name without refs/heads/ (git-rev-list(1)).
  const keptElsewhere = ['--not', `--exclude=${ws.branch}`, '--branches', '--remotes'];
  // A base that no longer resolves (branch deleted) just protects less; never an error.
  if (ws.base && (await gitSucceeds(repo, ['rev-parse', '--verify', '--quiet', `${ws.base}^{commit}`])))
    keptElsewhere.push(ws.base);
  const count = await gitIn(present ? ws.path : repo, ['rev-list', '--count', ...tips, ...keptElsewhere]);
  return { dirty, unpushedCommits: Number.parseInt(count, 10) };
}

/** "workspace kept: uncommitted changes and 3 unpushed commits"; null when nothing would be lost. */
export function keptReason(state: WorkspaceState): string | null {
  const parts: string[] = [];
  if (state.dirty) parts.push('uncommitted changes');
  const n = state.unpushedCommits;
  if (n > 0) parts.push(`${n} unpushed commit${n === 1 ? '' : 's'}`);
  return parts.length > 0 ? `workspace kept: ${parts.join(' and ')}` : null;
}
