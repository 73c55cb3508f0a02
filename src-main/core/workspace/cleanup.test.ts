import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { commitFile, git, gitTestRoot, initRepo, refExists, task } from '../../../test/support/git-repos';
import { cleanupWorkspace } from './cleanup';
import { inspectWorkspace } from './inspect';
import { prepareWorkspace } from './prepare';
import { CleanupError, type Workspace } from './workspace';

const repos = gitTestRoot();
let baseDir: string;
let userRepo: string;

beforeEach(async () => {
  baseDir = repos.path('base');
  userRepo = await initRepo(repos.path('user'));
});

const worktreeFor = (id: string) => prepareWorkspace(task(id, { repository: userRepo }), { sessionId: `s-${id}`, baseDir });

async function isRegistered(ws: Workspace): Promise<boolean> {
  return (await git(userRepo, 'worktree', 'list', '--porcelain')).includes(`worktree ${ws.path}\n`);
}

describe('cleanupWorkspace on a worktree', () => {
  it('removes a clean worktree: directory, registration and branch are gone', async () => {
    const ws = await worktreeFor('clean');
    expect(await inspectWorkspace(ws)).toEqual({ dirty: false, unpushedCommits: 0 });

    expect(await cleanupWorkspace(ws)).toEqual({ removed: true });

    expect(existsSync(ws.path)).toBe(false);
    expect(await isRegistered(ws)).toBe(false);
    expect(await refExists(userRepo, `refs/heads/${ws.branch}`)).toBe(false);
    // Branch config written by --track is removed with the branch.
    expect(await git(userRepo, 'config', '--list')).not.toContain(`branch.${ws.branch}`);
  });

  it('keeps a worktree with an untracked file, and the file is still there', async () => {
    const ws = await worktreeFor('untracked');
    await writeFile(join(ws.path, 'new.txt'), 'precious\n');

    expect(await cleanupWorkspace(ws)).toEqual({ removed: false, kept: 'workspace kept: uncommitted changes' });

    expect(await readFile(join(ws.path, 'new.txt'), 'utf8')).toBe('precious\n');
    expect(await isRegistered(ws)).toBe(true);
    expect(await refExists(userRepo, `refs/heads/${ws.branch}`)).toBe(true);
  });

  it('keeps a worktree with a modified tracked file', async () => {
    const ws = await worktreeFor('modified');
    await writeFile(join(ws.path, 'README.md'), 'changed\n');
    expect(await cleanupWorkspace(ws)).toEqual({ removed: false, kept: 'workspace kept: uncommitted changes' });
    expect(await readFile(join(ws.path, 'README.md'), 'utf8')).toBe('changed\n');
  });

  it('keeps a worktree with unpushed commits, says how many, and the commits survive', async () => {
    const ws = await worktreeFor('commits');
    for (const i of [1, 2, 3]) await commitFile(ws.path, `f${i}.txt`, `${i}\n`, `agent commit ${i}`);

    expect(await inspectWorkspace(ws)).toEqual({ dirty: false, unpushedCommits: 3 });
    expect(await cleanupWorkspace(ws)).toEqual({ removed: false, kept: 'workspace kept: 3 unpushed commits' });

    expect(await git(userRepo, 'rev-list', '--count', `main..${ws.branch}`)).toBe('3');
    expect(await readFile(join(ws.path, 'f3.txt'), 'utf8')).toBe('3\n');
  });

  it('reports both reasons, and one commit in the singular', async () => {
    const ws = await worktreeFor('both');
    await commitFile(ws.path, 'f.txt', 'x\n', 'one');
    await writeFile(join(ws.path, 'g.txt'), 'y\n');
    expect(await cleanupWorkspace(ws)).toEqual({
      removed: false,
      kept: 'workspace kept: uncommitted changes and 1 unpushed commit',
    });
  });

  it('removes the worktree once its commits are on the base branch', async () => {
    const ws = await worktreeFor('merged');
    await commitFile(ws.path, 'f.txt', 'x\n', 'agent commit');
    // The user merges the task's work into their main branch.
    await git(userRepo, 'merge', '--quiet', '--ff-only', ws.branch!);

    expect(await cleanupWorkspace(ws)).toEqual({ removed: true });
    expect(existsSync(ws.path)).toBe(false);
    expect(await refExists(userRepo, `refs/heads/${ws.branch}`)).toBe(false);
    expect(await readFile(join(userRepo, 'f.txt'), 'utf8')).toBe('x\n');
  });

  it('counts commits the agent made after switching its worktree to another branch', async () => {
    const ws = await worktreeFor('detached');
    await git(ws.path, 'checkout', '--quiet', '--detach');
    await commitFile(ws.path, 'f.txt', 'x\n', 'detached commit');
    expect(await cleanupWorkspace(ws)).toEqual({ removed: false, kept: 'workspace kept: 1 unpushed commit' });
  });

  it('throws CleanupError for a locked worktree, and a retry after unlocking removes it', async () => {
    const ws = await worktreeFor('locked');
    await git(userRepo, 'worktree', 'lock', '--reason', 'test', ws.path);

    const failed = cleanupWorkspace(ws);
    await expect(failed).rejects.toBeInstanceOf(CleanupError);
    await expect(failed).rejects.toThrow(/locked/);
    expect(existsSync(ws.path)).toBe(true);

    await git(userRepo, 'worktree', 'unlock', ws.path);
    expect(await cleanupWorkspace(ws)).toEqual({ removed: true });
    expect(existsSync(ws.path)).toBe(false);
  });

  it('finishes a cleanup whose directory is already gone (the retry after a partial failure)', async () => {
    const ws = await worktreeFor('partial');
    await rm(ws.path, { recursive: true, force: true });
    expect(await cleanupWorkspace(ws)).toEqual({ removed: true });
    expect(await isRegistered(ws)).toBe(false);
    expect(await refExists(userRepo, `refs/heads/${ws.branch}`)).toBe(false);
    // And again: nothing left to do is still success.
    expect(await cleanupWorkspace(ws)).toEqual({ removed: true });
  });

  it('keeps the branch of a lost worktree directory when it holds unpushed commits', async () => {
    const ws = await worktreeFor('lost');
    await commitFile(ws.path, 'f.txt', 'x\n', 'agent commit');
    await rm(ws.path, { recursive: true, force: true });
    expect(await cleanupWorkspace(ws)).toEqual({ removed: false, kept: 'workspace kept: 1 unpushed commit' });
    expect(await refExists(userRepo, `refs/heads/${ws.branch}`)).toBe(true);
  });

  it('throws CleanupError when the repository is gone', async () => {
    const ws = await worktreeFor('norepo');
    await expect(cleanupWorkspace({ ...ws, repository: join(repos.root, 'vanished') })).rejects.toBeInstanceOf(CleanupError);
  });

  it('never touches the working tree, index, stash or checkout of the user repository', async () => {
    // A user mid-work: on a feature branch, with staged, modified and untracked files and a stash entry.
    await git(userRepo, 'checkout', '--quiet', '-b', 'feature');
    await writeFile(join(userRepo, 'stashed.txt'), 'stash me\n');
    await git(userRepo, 'add', 'stashed.txt');
    await git(userRepo, 'stash', 'push', '--quiet', '-m', 'user stash');
    await writeFile(join(userRepo, 'staged.txt'), 'staged\n');
    await git(userRepo, 'add', 'staged.txt');
    await writeFile(join(userRepo, 'README.md'), 'user edit\n');
    await writeFile(join(userRepo, 'untracked.txt'), 'mine\n');
    const snapshot = async () => ({
      status: await git(userRepo, 'status', '--porcelain', '--untracked-files=all'),
      stash: await git(userRepo, 'stash', 'list'),
      head: await git(userRepo, 'symbolic-ref', 'HEAD'),
      commit: await git(userRepo, 'rev-parse', 'HEAD'),
      readme: await readFile(join(userRepo, 'README.md'), 'utf8'),
    });
    const before = await snapshot();

    const kept = await worktreeFor('user-kept');
    expect(kept.base).toBe('feature');
    await commitFile(kept.path, 'agent.txt', 'a\n', 'agent commit');
    expect((await cleanupWorkspace(kept)).removed).toBe(false);
    const removed = await worktreeFor('user-removed');
    expect(await cleanupWorkspace(removed)).toEqual({ removed: true });

    expect(await snapshot()).toEqual(before);
  });
});

describe('cleanupWorkspace on temp and cwd workspaces', () => {
  it('removes a temp dir with everything in it', async () => {
    const ws = await prepareWorkspace(task('t'), { sessionId: 'temp-1', baseDir });
    await mkdir(join(ws.path, 'sub'));
    await writeFile(join(ws.path, 'sub', 'f.txt'), 'x');
    expect(await cleanupWorkspace(ws)).toEqual({ removed: true });
    expect(existsSync(dirname(ws.path))).toBe(false);
    expect(await cleanupWorkspace(ws)).toEqual({ removed: true });
  });

  it('refuses to delete a "temp" directory it did not create', async () => {
    const foreign = join(repos.path('foreign'), 'work');
    await mkdir(foreign, { recursive: true });
    await expect(cleanupWorkspace({ kind: 'temp', path: foreign })).rejects.toThrow(
      /refusing to delete .*no \.nightshift-temp-workspace/,
    );
    expect(existsSync(foreign)).toBe(true);
  });

  it('never touches a cwd workspace', async () => {
    const ws = await prepareWorkspace(task('c', { cwd: userRepo }), { sessionId: 's', baseDir });
    await writeFile(join(userRepo, 'untracked.txt'), 'mine\n');
    const result = await cleanupWorkspace(ws);
    expect(result.removed).toBe(false);
    expect(await readFile(join(userRepo, 'untracked.txt'), 'utf8')).toBe('mine\n');
    expect(await git(userRepo, 'status', '--porcelain')).toBe('?? untracked.txt');
  });
});
