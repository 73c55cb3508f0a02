import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitFile, initRepo, isolateGitConfig, makeTempRoot, removeTempRoot, task } from '../../../test/support/git-repos';
import { createWorkspacePort } from './port';

let root: string;
beforeAll(async () => {
  root = await makeTempRoot();
  await isolateGitConfig(root);
});
afterAll(() => removeTempRoot(root));

describe('createWorkspacePort (the loop adapter)', () => {
  it('round-trips a worktree through its stored record: prepare, resume by record, keep, then clean', async () => {
    const repo = await initRepo(join(root, 'repo'));
    const port = createWorkspacePort({ baseDir: join(root, 'base') });

    const prepared = await port.prepare(task('t1', { repository: repo }), 'session-1');
    expect(port.pathOf(prepared.record)).toBe(prepared.path);
    expect(JSON.parse(prepared.record)).toMatchObject({ kind: 'worktree', branch: 'nightshift/t1', base: 'main' });

    await commitFile(prepared.path, 'work.txt', 'w\n', 'agent');
    expect(await port.cleanup(prepared.record)).toEqual({ removed: false, kept: 'workspace kept: 1 unpushed commit' });
    expect(existsSync(join(prepared.path, 'work.txt'))).toBe(true);
  });

  it('cleans a temp workspace from its record, and rejects a corrupted record', async () => {
    const port = createWorkspacePort({ baseDir: join(root, 'base2') });
    const prepared = await port.prepare(task('t2'), 'session-2');
    await writeFile(join(prepared.path, 'scratch'), 'x');
    expect(await port.cleanup(prepared.record)).toEqual({ removed: true });
    expect(existsSync(prepared.path)).toBe(false);
    expect(() => port.pathOf('{"kind":"temp"}')).toThrow(/path/);
  });
});
