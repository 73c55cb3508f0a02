/**
 * What a task from a remote source (HTTP, PostgreSQL) may name as its `cwd`
 * or local `repository`: only a directory under one of the config's
 * `workspaceRoots`, compared after resolving symlinks, so that whoever can
 * queue a task cannot point an agent at ~/.ssh or the data dir. A path that
 * is relative or has `.`/`..` segments is refused outright; with no roots
 * configured (the default) a well-formed path is ignored and the task runs in
 * a scratch workspace.
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Task } from '@shared/task';
import { isGitUrl, redactUrl } from './naming';
import { WorkspaceError } from './workspace';

/** A clone from the network: goes into our own clone dir, touches no local path. */
const NETWORK_URL = /^(https?|ssh|git):\/\//i;
const SCP_LIKE = /^[^/\s@]+@[^/\s:]+:/;

export interface RemoteTaskPaths {
  cwd?: string;
  repository?: string;
  /** What was dropped (for the log): a well-formed path with no workspaceRoots configured. */
  ignored: string[];
}

/** The task's cwd and repository as a remote task may have them; throws WorkspaceError naming the offence. */
export async function remoteTaskPaths(task: Task, roots: readonly string[]): Promise<RemoteTaskPaths> {
  const out: RemoteTaskPaths = { ignored: [] };
  if (task.repository !== undefined) {
    const repo = task.repository;
    if (NETWORK_URL.test(repo) || SCP_LIKE.test(repo)) out.repository = repo;
    else {
      const local = /^file:/i.test(repo) ? fileUrlPath(task, repo) : repo;
      if (isGitUrl(local)) throw refuse(task, 'repository', repo, 'is not an http(s), ssh or git URL');
      const allowed = await underRoots(task, 'repository', local, roots);
      if (allowed) out.repository = allowed;
      else out.ignored.push(`repository ${redactUrl(repo)}`);
    }
  }
  if (task.cwd !== undefined) {
    const allowed = await underRoots(task, 'cwd', task.cwd, roots);
    if (allowed) out.cwd = allowed;
    else out.ignored.push(`cwd ${task.cwd}`);
  }
  return out;
}

function fileUrlPath(task: Task, url: string): string {
  try {
    return fileURLToPath(url);
  } catch {
    throw refuse(task, 'repository', url, 'is not a valid file: URL');
  }
}

/** The real path when it lies under a root; null when no roots are configured. */
async function underRoots(task: Task, key: string, path: string, roots: readonly string[]): Promise<string | null> {
  if (!isAbsolute(path)) throw refuse(task, key, path, 'must be an absolute path');
  if (path.split(/[\\/]/).some((seg) => seg === '..' || seg === '.'))
    throw refuse(task, key, path, 'must not contain ".." or "."');
  if (roots.length === 0) return null;
  const real = await realpath(path).catch(() => {
    throw refuse(task, key, path, 'does not exist');
  });
  for (const root of roots) {
    const realRoot = await realpath(root).catch(() => null);
    if (realRoot && (real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep))) return real;
  }
  throw refuse(task, key, path, `is not under workspaceRoots (${roots.join(', ')})`);
}

function refuse(task: Task, key: string, value: string, why: string): WorkspaceError {
  return new WorkspaceError(`task ${task.id}: ${key} "${redactUrl(value)}" from a remote source ${why}`);
}
