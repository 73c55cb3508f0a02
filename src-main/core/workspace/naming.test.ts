import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runGit } from './git';
import { branchForTask, cloneDirName, isGitUrl, redactUrl, sanitiseTaskId } from './naming';
import { parseWorkspace } from './workspace';
import { parseWorktreeList } from './worktree';

const validBranch = (name: string) =>
  runGit(['check-ref-format', '--branch', name]).then(
    () => true,
    () => false,
  );

describe('task branch and directory names', () => {
  it('keeps a plain task id as is', () => {
    expect(branchForTask('t_42')).toBe('nightshift/t_42');
    expect(sanitiseTaskId('ABC-123.v2')).toBe('ABC-123.v2');
  });

  it('makes any task id a valid branch name and a single path segment, without collisions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 80 }), async (id) => {
        const segment = sanitiseTaskId(id);
        expect(segment).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]*$/);
        expect(segment).not.toContain('..');
        expect(await validBranch(branchForTask(id))).toBe(true);
      }),
      { numRuns: 60 },
    );
    expect(sanitiseTaskId('a/b')).not.toBe(sanitiseTaskId('a-b'));
    expect(sanitiseTaskId('../../etc')).not.toContain('/');
    expect(await validBranch(branchForTask('x.lock'))).toBe(true);
  });

  it('tells URLs from local paths', () => {
    for (const url of ['https://github.com/o/r.git', 'file:///srv/r.git', 'ssh://git@host/r', 'git@github.com:o/r.git']) {
      expect(isGitUrl(url)).toBe(true);
    }
    for (const path of ['/home/me/src/r', '~/src/r', 'relative/r', 'C-drive/r']) expect(isGitUrl(path)).toBe(false);
  });

  it('gives each URL its own stable, readable clone directory', () => {
    expect(cloneDirName('https://github.com/o/repo.git')).toMatch(/^repo-[0-9a-f]{10}$/);
    expect(cloneDirName('https://github.com/o/repo.git')).toBe(cloneDirName('https://github.com/o/repo.git'));
    expect(cloneDirName('https://github.com/o/repo.git')).not.toBe(cloneDirName('https://github.com/p/repo.git'));
  });

  it('hides credentials in URLs', () => {
    expect(redactUrl('fatal: could not read https://bot:ghp_secret@github.com/o/r.git')).toBe(
      'fatal: could not read https://***@github.com/o/r.git',
    );
  });
});

describe('parsing', () => {
  it('reads git worktree list --porcelain, including locked and prunable entries', () => {
    const porcelain = [
      'worktree /home/me/r\nHEAD 1111\nbranch refs/heads/main\n',
      'worktree /data/wt/a\nHEAD 2222\nbranch refs/heads/nightshift/a\nlocked in use\n',
      'worktree /data/wt/b\nHEAD 3333\ndetached\nprunable gitdir file points to non-existent location\n',
    ].join('\n');
    expect(parseWorktreeList(porcelain)).toEqual([
      { path: '/home/me/r', branch: 'refs/heads/main', locked: false, prunable: false },
      { path: '/data/wt/a', branch: 'refs/heads/nightshift/a', locked: true, prunable: false },
      { path: '/data/wt/b', locked: false, prunable: true },
    ]);
  });

  it('reads a stored workspace back, naming the field that is wrong', () => {
    const ws = { kind: 'worktree', path: '/w/t1', repository: '/r', branch: 'nightshift/t1', base: 'main' };
    expect(parseWorkspace(JSON.stringify(ws))).toEqual(ws);
    expect(() => parseWorkspace('{"kind":"worktree","path":"/w"}')).toThrow(
      /repository: a worktree workspace needs "repository"/,
    );
    expect(() => parseWorkspace('{"kind":"temp","path":"relative"}')).toThrow(/path: must be an absolute path/);
    expect(() => parseWorkspace('{"kind":"vm","path":"/w"}')).toThrow(/kind:/);
    expect(() => parseWorkspace('not json')).toThrow(/not JSON/);
  });
});
