/**
 * Chooses and prepares the directory a task's agent runs in:
 * - `repository` → its own git worktree on `nightshift/<task id>` (reused on resume);
 * - `cwd` → that directory, as is;
 * - neither → a scratch directory of the session's under `<baseDir>/tmp/`.
 */
import { mkdir, realpath, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Task } from '@shared/task';
import { errorMessage } from '../errors';
import { type Logger, silentLogger } from '../log';
import { remoteTaskPaths } from './allow-list';
import { cloneDirFor, ensureClone, remoteDefaultBranch } from './clone';
import { branchForTask, isGitUrl, redactUrl, repoKey, sanitiseTaskId } from './naming';
import { withRepoLock } from './repo-lock';
import { TEMP_MARKER, type Workspace, WorkspaceError } from './workspace';
import { isDirectory, localBase, mainRepoDir, openWorktree } from './worktree';

export interface PrepareOptions {
  sessionId: string;
  /** The workspace root (outside the data dir): `repos/`, `worktrees/`, `tmp/` go under it. */
  baseDir: string;
  /**
   * Set for a remote source (HTTP, PostgreSQL): the only directories its tasks
   * may name as cwd or local repository (allow-list.ts). Unset: a local task,
   * the user's own, goes where it says.
   */
  allowedRoots?: readonly string[];
  logger?: Logger;
}

export async function prepareWorkspace(task: Task, opts: PrepareOptions): Promise<Workspace> {
  const logger = opts.logger ?? silentLogger;
  let { repository, cwd } = task;
  if (opts.allowedRoots !== undefined) {
    const checked = await remoteTaskPaths(task, opts.allowedRoots);
    ({ repository, cwd } = checked);
    if (checked.ignored.length > 0) {
      logger.log(
        'info',
        'workspace',
        `task ${task.id}: no workspaceRoots configured, ignoring ${checked.ignored.join(' and ')}; running in a scratch workspace`,
      );
    }
  }
  if (repository) return prepareWorktree(task, repository, opts.baseDir, logger);
  if (cwd) return taskCwdWorkspace(task, cwd);
  return makeTempDir(opts.sessionId, opts.baseDir);
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

async function taskCwdWorkspace(task: Task, cwd: string): Promise<Workspace> {
  const path = expandHome(cwd);
  if (!isAbsolute(path)) throw new WorkspaceError(`task ${task.id}: cwd "${cwd}" must be an absolute path`);
  const info = await stat(path).catch(() => null);
  if (!info) throw new WorkspaceError(`task ${task.id}: cwd ${path} does not exist`);
  if (!info.isDirectory()) throw new WorkspaceError(`task ${task.id}: cwd ${path} is not a directory`);
  return { kind: 'cwd', path };
}

async function makeTempDir(sessionId: string, baseDir: string): Promise<Workspace> {
  // <baseDir>/tmp/<session>/work: the marker sits beside the agent's directory, not in it,
  // and proves to cleanup that the directory it is about to delete is one we made.
  const root = join(resolve(baseDir), 'tmp', sanitiseTaskId(sessionId));
  const path = join(root, 'work');
  await mkdir(path, { recursive: true });
  await writeFile(join(root, TEMP_MARKER), `${sessionId}\n`);
  return { kind: 'temp', path };
}

async function prepareWorktree(task: Task, repository: string, baseDir: string, logger: Logger): Promise<Workspace> {
  const branch = branchForTask(task.id);
  try {
    if (isGitUrl(repository)) {
      const cloneDir = cloneDirFor(repository, resolve(baseDir));
      return await withRepoLock(cloneDir, async () => {
        await ensureClone(repository, cloneDir, logger);
        const base = await remoteDefaultBranch(cloneDir, repository);
        return addTaskWorktree(task, cloneDir, branch, base, baseDir, logger);
      });
    }
    const local = resolve(expandHome(repository));
    if (!(await isDirectory(local))) throw new WorkspaceError(`task ${task.id}: repository ${local} does not exist`);
    const repo = await mainRepoDir(local).catch((err) => {
      throw new WorkspaceError(`task ${task.id}: ${local} is not a git repository (${errorMessage(err)})`, { cause: err });
    });
    return await withRepoLock(repo, async () => addTaskWorktree(task, repo, branch, await localBase(repo), baseDir, logger));
  } catch (err) {
    if (err instanceof WorkspaceError) throw err;
    throw new WorkspaceError(
      `task ${task.id}: preparing a worktree of ${redactUrl(repository)} failed: ${redactUrl(errorMessage(err))}`,
      {
        cause: err,
      },
    );
  }
}

async function addTaskWorktree(
  task: Task,
  repo: string,
  branch: string,
  base: string,
  baseDir: string,
  logger: Logger,
): Promise<Workspace> {
  const wanted = join(resolve(baseDir), 'worktrees', repoKey(await realpath(repo)), sanitiseTaskId(task.id));
  await mkdir(dirname(wanted), { recursive: true });
  const opened = await openWorktree(repo, branch, wanted, base);
  logger.log('info', 'workspace', `${opened.reused ? 'reusing' : 'created'} worktree ${opened.path} on ${branch}`);
  const ws: Workspace = { kind: 'worktree', path: opened.path, repository: repo, branch };
  if (opened.base) ws.base = opened.base;
  return ws;
}
