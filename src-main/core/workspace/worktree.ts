/**
 * Git worktrees for tasks: one per task, on the task's own branch, in a
 * directory of ours. Only `git worktree` and `git branch` are used on the
 * repository, so the user's own working tree, index and stash are never touched.
 */
import { stat } from 'node:fs/promises';
import { gitIn, gitSucceeds } from './git';

export interface WorktreeEntry {
  path: string;
  /** Full ref, e.g. `refs/heads/nightshift/t_1`; absent when detached. */
  branch?: string;
  locked: boolean;
  /** Registered but its directory is gone. */
  prunable: boolean;
}

/** Parses `git worktree list --porcelain`: blocks of `key value` lines separated by blank lines. */
export function parseWorktreeList(porcelain: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = [];
  for (const block of porcelain.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter(Boolean);
    const first = lines[0];
    if (!first?.startsWith('worktree ')) continue;
    const entry: WorktreeEntry = { path: first.slice('worktree '.length), locked: false, prunable: false };
    for (const line of lines.slice(1)) {
      if (line.startsWith('branch ')) entry.branch = line.slice('branch '.length);
      else if (line === 'locked' || line.startsWith('locked ')) entry.locked = true;
      else if (line === 'prunable' || line.startsWith('prunable ')) entry.prunable = true;
    }
    entries.push(entry);
  }
  return entries;
}

export async function listWorktrees(repo: string): Promise<WorktreeEntry[]> {
  return parseWorktreeList(await gitIn(repo, ['worktree', 'list', '--porcelain']));
}

export async function findWorktreeForBranch(repo: string, branch: string): Promise<WorktreeEntry | undefined> {
  return (await listWorktrees(repo)).find((e) => e.branch === `refs/heads/${branch}`);
}

export function branchExists(repo: string, branch: string): Promise<boolean> {
  return gitSucceeds(repo, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`]);
}

/** The branch's upstream (`main`, `origin/main`), which we set to its base when creating it; undefined when none. */
export async function upstreamOf(repo: string, branch: string): Promise<string | undefined> {
  const out = await gitIn(repo, ['for-each-ref', '--format=%(upstream:short)', `refs/heads/${branch}`]);
  return out || undefined;
}

export async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/**
 * The main working tree (or bare directory) of the repository containing
 * `dir`; stable whichever of its worktrees `dir` is.
 */
export async function mainRepoDir(dir: string): Promise<string> {
  const common = await gitIn(dir, ['rev-parse', '--path-format=absolute', '--git-common-dir']);
  return common.replace(/\/\.git\/?$/, '');
}

/**
 * What a new task branch starts from in a local repository: the branch the
 * user has checked out (read from HEAD, nothing is checked out or switched),
 * or its commit when HEAD is detached.
 */
export async function localBase(repo: string): Promise<string> {
  try {
    return await gitIn(repo, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  } catch {
    return gitIn(repo, ['rev-parse', '--verify', 'HEAD^{commit}']);
  }
}

/**
 * Opens the task's worktree: reuses the one an earlier run left, re-attaches
 * an existing branch whose worktree directory was lost, or creates the branch
 * from `base`. Returns the worktree's path and the branch's base.
 */
export async function openWorktree(
  repo: string,
  branch: string,
  path: string,
  base: string,
): Promise<{ path: string; base: string | undefined; reused: boolean }> {
  const existing = await findWorktreeForBranch(repo, branch);
  if (existing && !existing.prunable && (await isDirectory(existing.path))) {
    return { path: existing.path, base: (await upstreamOf(repo, branch)) ?? base, reused: true };
  }
  // A registration whose directory vanished (deleted by hand, tmp cleaner) blocks re-adding the branch.
  if (existing) await gitIn(repo, ['worktree', 'prune']);
  if (await branchExists(repo, branch)) {
    await gitIn(repo, ['worktree', 'add', '--quiet', path, branch]);
    return { path, base: (await upstreamOf(repo, branch)) ?? base, reused: true };
  }
  // --track records the base as the branch's upstream: a resumed run reads it back, and `git branch -d` checks against it.
  const isRef = await gitSucceeds(repo, ['show-ref', '--quiet', '--', `refs/heads/${base}`, `refs/remotes/${base}`]);
  const track = isRef ? ['--track'] : [];
  await gitIn(repo, ['worktree', 'add', '--quiet', ...track, '-b', branch, path, base]);
  return { path, base, reused: false };
}
