import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { commitFile, git, gitTestRoot, initRepo, refExists, task } from '../../../test/support/git-repos';
import { branchForTask } from './naming';
import { prepareWorkspace } from './prepare';
import { WorkspaceError } from './workspace';

const repos = gitTestRoot();
let baseDir: string;
let userRepo: string;

beforeEach(async () => {
  baseDir = repos.path('base');
  userRepo = await initRepo(repos.path('user'));
});

describe('prepareWorkspace with a local repository', () => {
  it('creates a worktree on the task branch, starting from the branch the user has checked out', async () => {
    const ws = await prepareWorkspace(task('T-1/fix login', { repository: userRepo }), { sessionId: 's1', baseDir });

    expect(ws.kind).toBe('worktree');
    expect(ws.branch).toBe(branchForTask('T-1/fix login'));
    expect(ws.branch).toMatch(/^nightshift\/T-1-fix-login-[0-9a-f]{10}$/);
    expect(ws.repository).toBe(userRepo);
    expect(ws.base).toBe('main');
    expect(ws.path.startsWith(join(baseDir, 'worktrees'))).toBe(true);
    expect(await git(ws.path, 'symbolic-ref', '--short', 'HEAD')).toBe(ws.branch);
    expect(await readFile(join(ws.path, 'README.md'), 'utf8')).toBe('# test repo\n');
    // The user's checkout stays where it was.
    expect(await git(userRepo, 'symbolic-ref', '--short', 'HEAD')).toBe('main');
  });

  it('reuses the worktree and branch of an earlier run of the same task (resume)', async () => {
    const first = await prepareWorkspace(task('t_7', { repository: userRepo }), { sessionId: 's1', baseDir });
    await commitFile(first.path, 'work.txt', 'agent work\n', 'agent commit');
    await writeFile(join(first.path, 'notes.txt'), 'uncommitted\n');

    const again = await prepareWorkspace(task('t_7', { repository: userRepo }), { sessionId: 's2', baseDir });

    expect(again).toEqual(first);
    expect(await readFile(join(again.path, 'notes.txt'), 'utf8')).toBe('uncommitted\n');
    expect(await git(again.path, 'log', '-1', '--format=%s')).toBe('agent commit');
  });

  it('re-attaches the existing branch when the worktree directory was deleted', async () => {
    const first = await prepareWorkspace(task('t_8', { repository: userRepo }), { sessionId: 's1', baseDir });
    await commitFile(first.path, 'work.txt', 'agent work\n', 'agent commit');
    await rm(first.path, { recursive: true, force: true });

    const again = await prepareWorkspace(task('t_8', { repository: userRepo }), { sessionId: 's2', baseDir });

    expect(again.path).toBe(first.path);
    expect(again.base).toBe('main');
    expect(await readFile(join(again.path, 'work.txt'), 'utf8')).toBe('agent work\n');
  });

  it('gives different tasks different worktrees and branches', async () => {
    const a = await prepareWorkspace(task('a', { repository: userRepo }), { sessionId: 'sa', baseDir });
    const b = await prepareWorkspace(task('b', { repository: userRepo }), { sessionId: 'sb', baseDir });
    expect(a.path).not.toBe(b.path);
    expect(await refExists(userRepo, 'refs/heads/nightshift/a')).toBe(true);
    expect(await refExists(userRepo, 'refs/heads/nightshift/b')).toBe(true);
  });

  it('refuses a repository path that does not exist or is not a git repository', async () => {
    const plain = repos.path('plain');
    await mkdir(plain);
    await expect(
      prepareWorkspace(task('x', { repository: join(repos.root, 'nope') }), { sessionId: 's', baseDir }),
    ).rejects.toThrow(/repository .*nope does not exist/);
    const notRepo = prepareWorkspace(task('x', { repository: plain }), { sessionId: 's', baseDir });
    await expect(notRepo).rejects.toBeInstanceOf(WorkspaceError);
    await expect(notRepo).rejects.toThrow(/is not a git repository/);
  });
});

describe('prepareWorkspace with cwd or nothing', () => {
  it('runs a cwd task in its directory, as is', async () => {
    const ws = await prepareWorkspace(task('c', { cwd: userRepo }), { sessionId: 's', baseDir });
    expect(ws).toEqual({ kind: 'cwd', path: userRepo });
    expect(existsSync(baseDir)).toBe(false);
  });

  it('names what is wrong with a bad cwd', async () => {
    const opts = { sessionId: 's', baseDir };
    await expect(prepareWorkspace(task('c', { cwd: join(repos.root, 'missing') }), opts)).rejects.toThrow(
      /cwd .*missing does not exist/,
    );
    await expect(prepareWorkspace(task('c', { cwd: join(userRepo, 'README.md') }), opts)).rejects.toThrow(/is not a directory/);
    await expect(prepareWorkspace(task('c', { cwd: 'relative/dir' }), opts)).rejects.toThrow(/must be an absolute path/);
  });

  it('gives a task without repository or cwd an empty temp dir per session, reused on resume', async () => {
    const a = await prepareWorkspace(task('t'), { sessionId: 'sess-1', baseDir });
    const b = await prepareWorkspace(task('t'), { sessionId: 'sess-2', baseDir });
    expect(a.kind).toBe('temp');
    expect(a.path.startsWith(join(baseDir, 'tmp'))).toBe(true);
    expect(a.path).not.toBe(b.path);
    expect(await readdir(a.path)).toEqual([]);

    await writeFile(join(a.path, 'scratch.txt'), 'x');
    const resumed = await prepareWorkspace(task('t'), { sessionId: 'sess-1', baseDir });
    expect(resumed).toEqual(a);
    expect(await readdir(resumed.path)).toEqual(['scratch.txt']);
  });
});
