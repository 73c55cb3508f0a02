/**
 * Names derived from a task: its branch, its directories, the clone of a URL.
 * All deterministic, so that a resumed session (even after a restart) finds
 * the worktree and branch its earlier run left behind.
 */
import { createHash } from 'node:crypto';

export const BRANCH_PREFIX = 'nightshift/';

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 10);
}

/**
 * A task id as a single safe path segment and ref component: letters, digits,
 * `_`, `-` and inner dots only (so no `..`, `.lock`, `~^:?*[\` or spaces).
 * When anything had to change, a hash of the original id is appended so that
 * `a/b` and `a-b` do not collide.
 */
export function sanitiseTaskId(id: string): string {
  const cleaned = id
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, 60);
  const safe = cleaned.toLowerCase().endsWith('.lock') ? cleaned.slice(0, -5) : cleaned;
  if (safe === id && safe.length > 0) return safe;
  return `${safe || 'task'}-${shortHash(id)}`;
}

export function branchForTask(taskId: string): string {
  return `${BRANCH_PREFIX}${sanitiseTaskId(taskId)}`;
}

/** `https://host/x.git`, `file:///srv/x`, `ssh://...`, or scp-like `git@host:org/x.git`. */
export function isGitUrl(repository: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(repository) || /^[^/\s@]+@[^/\s:]+:/.test(repository);
}

/** `<readable name>-<hash of the URL>`: one clone per URL, recognisable in a file manager. */
export function cloneDirName(url: string): string {
  const last = url.replace(/\/+$/, '').split(/[/:]/).pop() ?? '';
  const readable = last
    .replace(/\.git$/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 40);
  return `${readable || 'repo'}-${shortHash(url)}`;
}

/** Directory name for a repository's worktrees: stable per repository (its git common dir). */
export function repoKey(commonDir: string): string {
  return cloneDirName(commonDir.replace(/\/\.git\/?$/, ''));
}

/** Hides credentials embedded in a URL (`https://user:token@host`) before it reaches a log or an error. */
export function redactUrl(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}
