/**
 * Test helpers: real git repositories in a temp directory, with an isolated
 * git configuration so that the machine's global settings cannot change results.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Task } from '@shared/task';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { gitIn } from '../../src-main/core/workspace/git';

/** Call once per test file (beforeAll): identity for commits, no global/system config. */
export async function isolateGitConfig(root: string): Promise<void> {
  const globalConfig = join(root, 'gitconfig');
  await writeFile(globalConfig, '');
  Object.assign(process.env, {
    GIT_CONFIG_GLOBAL: globalConfig,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test User',
    GIT_AUTHOR_EMAIL: 'test@example.invalid',
    GIT_COMMITTER_NAME: 'Test User',
    GIT_COMMITTER_EMAIL: 'test@example.invalid',
  });
}

export function makeTempRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'nightshift-ws-'));
}

export function removeTempRoot(root: string): Promise<void> {
  return rm(root, { recursive: true, force: true });
}

export const git = (dir: string, ...args: string[]) => gitIn(dir, args);

/** A repository on `main` with one commit (README.md). */
export async function initRepo(dir: string): Promise<string> {
  await gitIn(tmpdir(), ['init', '--quiet', '-b', 'main', dir]);
  await commitFile(dir, 'README.md', '# test repo\n', 'initial commit');
  return dir;
}

export async function commitFile(dir: string, file: string, content: string, message: string): Promise<void> {
  await writeFile(join(dir, file), content);
  await git(dir, 'add', file);
  await git(dir, 'commit', '--quiet', '-m', message);
}

export async function refExists(dir: string, ref: string): Promise<boolean> {
  return git(dir, 'show-ref', '--verify', '--quiet', ref).then(
    () => true,
    () => false,
  );
}

export function task(id: string, extra: Partial<Task> = {}): Task {
  return { id, title: `task ${id}`, prompt: 'do it', status: 'in_progress', created_at: '2026-01-01T00:00:00Z', ...extra };
}

/**
 * The hooks every workspace test file needs: one temp root with its own git
 * config (the machine's cannot change results), and a fresh case number per
 * test so that `path('user')` names a new directory each time.
 */
export function gitTestRoot(): { readonly root: string; path(prefix: string): string } {
  let root = '';
  let n = 0;
  beforeAll(async () => {
    root = await makeTempRoot();
    await isolateGitConfig(root);
  });
  afterAll(() => removeTempRoot(root));
  beforeEach(() => {
    n += 1;
  });
  return {
    get root() {
      return root;
    },
    path: (prefix) => join(root, `${prefix}-${n}`),
  };
}
