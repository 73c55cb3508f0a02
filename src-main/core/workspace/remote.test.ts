import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { commitFile, git, gitTestRoot, initRepo, refExists, task } from '../../../test/support/git-repos';
import type { LogLevel } from '../log';
import { cleanupWorkspace } from './cleanup';
import { cloneDirFor } from './clone';
import { inspectWorkspace } from './inspect';
import { prepareWorkspace } from './prepare';
import { WorkspaceError } from './workspace';

const repos = gitTestRoot();
let baseDir: string;
/** The upstream developer's repository, which pushes to the bare "server" repository. */
let upstream: string;
let url: string;

beforeEach(async () => {
  baseDir = repos.path('base');
  upstream = await initRepo(repos.path('upstream'));
  const bare = `${repos.path('server')}.git`;
  await git(repos.root, 'clone', '--quiet', '--bare', upstream, bare);
  await git(upstream, 'remote', 'add', 'origin', bare);
  url = pathToFileURL(bare).href;
});

describe('prepareWorkspace with a repository URL', () => {
  it('clones once into baseDir/repos, fetches on later uses, and branches from the remote default branch', async () => {
    const first = await prepareWorkspace(task('u1', { repository: url }), { sessionId: 's1', baseDir });
    const cloneDir = cloneDirFor(url, baseDir);
    expect(first).toMatchObject({ kind: 'worktree', repository: cloneDir, branch: 'nightshift/u1', base: 'origin/main' });
    expect(await readFile(join(first.path, 'README.md'), 'utf8')).toBe('# test repo\n');
    expect((await readdir(join(baseDir, 'repos'))).filter((d) => !d.startsWith('.'))).toHaveLength(1);

    // Mark the clone: a second clone would not carry the mark.
    await writeFile(join(cloneDir, '.git', 'test-mark'), 'same clone');
    await commitFile(upstream, 'later.txt', 'pushed later\n', 'upstream change');
    await git(upstream, 'push', '--quiet', 'origin', 'main');

    const second = await prepareWorkspace(task('u2', { repository: url }), { sessionId: 's2', baseDir });
    expect(second.repository).toBe(cloneDir);
    expect(await readFile(join(cloneDir, '.git', 'test-mark'), 'utf8')).toBe('same clone');
    // Fetched: the new task starts from the upstream change.
    expect(await readFile(join(second.path, 'later.txt'), 'utf8')).toBe('pushed later\n');
    expect(await readdir(join(baseDir, 'repos'))).toHaveLength(1);
  });

  it('prepares two tasks on the same URL at the same time from one clone', async () => {
    const [a, b] = await Promise.all([
      prepareWorkspace(task('p1', { repository: url }), { sessionId: 's1', baseDir }),
      prepareWorkspace(task('p2', { repository: url }), { sessionId: 's2', baseDir }),
    ]);
    expect(a.repository).toBe(b.repository);
    expect(a.path).not.toBe(b.path);
    expect(await readdir(join(baseDir, 'repos'))).toHaveLength(1);
  });

  it('keeps a worktree whose commits are not pushed, and removes it once they are', async () => {
    const ws = await prepareWorkspace(task('push-me', { repository: url }), { sessionId: 's', baseDir });
    await commitFile(ws.path, 'a.txt', 'a\n', 'agent 1');
    await commitFile(ws.path, 'b.txt', 'b\n', 'agent 2');
    expect(await cleanupWorkspace(ws)).toEqual({ removed: false, kept: 'workspace kept: 2 unpushed commits' });

    await git(ws.path, 'push', '--quiet', 'origin', ws.branch!);
    expect(await inspectWorkspace(ws)).toEqual({ dirty: false, unpushedCommits: 0 });
    const logged: string[] = [];
    const logger = { log: (_level: LogLevel, _scope: string, message: string) => logged.push(message) };

    expect(await cleanupWorkspace(ws, { logger })).toEqual({ removed: true });
    expect(existsSync(ws.path)).toBe(false);
    // `branch -d` refuses a branch not merged into its base; the pushed branch is left rather than force-deleted.
    expect(await refExists(ws.repository!, `refs/heads/${ws.branch}`)).toBe(true);
    expect(logged.join('\n')).toMatch(/branch nightshift\/push-me left/);
    // The work is on the server.
    expect(await git(`${repos.path('server')}.git`, 'rev-list', '--count', 'main..nightshift/push-me')).toBe('2');
  });

  it('fails with a clear error and leaves no partial clone when the URL cannot be cloned', async () => {
    const bad = pathToFileURL(join(repos.root, 'no-such-server.git')).href;
    const prepared = prepareWorkspace(task('bad', { repository: bad }), { sessionId: 's', baseDir });
    await expect(prepared).rejects.toBeInstanceOf(WorkspaceError);
    await expect(prepared).rejects.toThrow(/cloning file:.*no-such-server\.git failed/);
    expect(await readdir(join(baseDir, 'repos'))).toEqual([]);
  });

  it('works from the cached clone when a later fetch fails (offline)', async () => {
    await prepareWorkspace(task('o1', { repository: url }), { sessionId: 's1', baseDir });
    const cloneDir = cloneDirFor(url, baseDir);
    await git(cloneDir, 'remote', 'set-url', 'origin', pathToFileURL(join(repos.root, 'offline.git')).href);
    const warnings: string[] = [];
    const logger = { log: (level: LogLevel, _scope: string, message: string) => level === 'warn' && warnings.push(message) };

    const ws = await prepareWorkspace(task('o2', { repository: url }), { sessionId: 's2', baseDir, logger });
    expect(await readFile(join(ws.path, 'README.md'), 'utf8')).toBe('# test repo\n');
    expect(warnings.join('\n')).toMatch(/fetch of .* failed, using the cached clone/);
  });
});
