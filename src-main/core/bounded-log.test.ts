import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/runtimes/helpers';
import { createBoundedLog } from './bounded-log';

describe('createBoundedLog', () => {
  let cleanup: () => Promise<void> = async () => {};
  afterEach(() => cleanup());

  it('rotates into <path>.1 past maxBytes, keeping at most one previous file', async () => {
    const dir = await tempDir();
    cleanup = dir.cleanup;
    const path = join(dir.path, 'nested', 'session.log');
    const log = createBoundedLog(path, 1000);
    for (let i = 0; i < 200; i++) log.append(`line ${String(i).padStart(4, '0')} ${'.'.repeat(30)}\n`);
    await log.flush();

    const current = await readFile(path, 'utf8');
    const previous = await readFile(`${path}.1`, 'utf8');
    expect((await stat(path)).size).toBeLessThanOrEqual(1000);
    expect((await stat(`${path}.1`)).size).toBeLessThanOrEqual(1000);
    // The newest line is in the current file and the two files are contiguous.
    expect(current.trimEnd().split('\n').at(-1)).toMatch(/^line 0199 /);
    const firstCurrent = Number(current.slice(5, 9));
    const lastPrevious = Number(previous.trimEnd().split('\n').at(-1)!.slice(5, 9));
    expect(firstCurrent).toBe(lastPrevious + 1);
  });

  it('appends to an existing file and keeps lines in order', async () => {
    const dir = await tempDir();
    cleanup = dir.cleanup;
    const path = join(dir.path, 'a.log');
    const first = createBoundedLog(path);
    first.append('one\n');
    await first.flush();
    const second = createBoundedLog(path);
    for (const l of ['two\n', 'three\n']) second.append(l);
    await second.flush();
    expect(await readFile(path, 'utf8')).toBe('one\ntwo\nthree\n');
  });
});
