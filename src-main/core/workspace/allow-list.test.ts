/**
 * A remote task's cwd and repository against the allow-list, on real
 * directories and a real git repository: inside a root it runs there, outside
 * (a symlink out of a root included) it is refused, malformed paths are
 * refused, and with no roots the task runs in a scratch workspace.
 */
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { gitTestRoot, initRepo, task } from '../../../test/support/git-repos';
import { prepareWorkspace } from './prepare';
import { WorkspaceError } from './workspace';

const dirs = gitTestRoot();
let baseDir: string;
let allowed: string;
let outside: string;

beforeEach(async () => {
  baseDir = dirs.path('base');
  allowed = dirs.path('projects');
  outside = dirs.path('private');
  await mkdir(join(allowed, 'app'), { recursive: true });
  await mkdir(outside, { recursive: true });
});

const remote = (roots: string[]) => ({ sessionId: 's1', baseDir, allowedRoots: roots });

async function refusal(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkspaceError);
  return (err as Error).message;
}

describe('remote task paths', () => {
  it('with no workspaceRoots (the default) a cwd or repository is ignored: a scratch workspace', async () => {
    const repo = await initRepo(join(outside, 'repo'));
    const ws = await prepareWorkspace(task('t1', { cwd: outside, repository: repo }), remote([]));
    expect(ws.kind).toBe('temp');
    expect(ws.path.startsWith(baseDir)).toBe(true);
  });

  it('a cwd under a root runs there; one outside is refused naming the roots', async () => {
    const ws = await prepareWorkspace(task('t1', { cwd: join(allowed, 'app') }), remote([allowed]));
    expect(ws).toEqual({ kind: 'cwd', path: join(allowed, 'app') });
    expect(await refusal(prepareWorkspace(task('t2', { cwd: outside }), remote([allowed])))).toMatch(
      /cwd ".*private-\d+" from a remote source is not under workspaceRoots/,
    );
  });

  it('a symlink inside a root that points outside is refused (compared after realpath)', async () => {
    await symlink(outside, join(allowed, 'escape'));
    const message = await refusal(prepareWorkspace(task('t1', { cwd: join(allowed, 'escape') }), remote([allowed])));
    expect(message).toMatch(/not under workspaceRoots/);
  });

  it('a sibling whose name starts like the root is not under it', async () => {
    await mkdir(`${allowed}-evil`);
    expect(await refusal(prepareWorkspace(task('t1', { cwd: `${allowed}-evil` }), remote([allowed])))).toMatch(
      /not under workspaceRoots/,
    );
  });

  it.each([
    ['relative', 'app', /must be an absolute path/],
    ['home-relative', '~/app', /must be an absolute path/],
    ['dot-dot', '/x/../etc', /must not contain "\.\." or "\."/],
  ])('a %s cwd is refused even with no roots', async (_what, cwd, pattern) => {
    expect(await refusal(prepareWorkspace(task('t1', { cwd }), remote([])))).toMatch(pattern);
    expect(await refusal(prepareWorkspace(task('t1', { cwd }), remote([allowed])))).toMatch(pattern);
  });

  it('a local repository (path or file: URL) must be under a root too; a network URL is cloned as before', async () => {
    const inside = await initRepo(join(allowed, 'repo'));
    const ws = await prepareWorkspace(task('t1', { repository: inside }), remote([allowed]));
    expect(ws.kind).toBe('worktree');
    const secret = await initRepo(join(outside, 'repo'));
    expect(await refusal(prepareWorkspace(task('t2', { repository: secret }), remote([allowed])))).toMatch(
      /repository .* not under workspaceRoots/,
    );
    const asUrl = pathToFileURL(secret).href;
    expect(await refusal(prepareWorkspace(task('t3', { repository: asUrl }), remote([allowed])))).toMatch(
      /not under workspaceRoots/,
    );
  });

  it('a local task (no allow-list) still goes where it says', async () => {
    const ws = await prepareWorkspace(task('t1', { cwd: outside }), { sessionId: 's1', baseDir });
    expect(ws).toEqual({ kind: 'cwd', path: outside });
  });
});
