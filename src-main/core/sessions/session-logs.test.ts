import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirsPerTest } from '../../../test/support/temp-dir';
import { ORPHAN_LOG_GRACE_MS, pruneSessionLogs } from './session-logs';

const tempDir = tempDirsPerTest();
const id = (n: number) => `s_${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;

describe('pruneSessionLogs', () => {
  it('removes the logs (and rotated halves) of sessions that are gone, once past the grace; nothing else', async () => {
    const logDir = join(tempDir(), 'logs');
    await mkdir(logDir);
    const now = Date.now();
    const old = new Date(now - ORPHAN_LOG_GRACE_MS - 60_000);
    const files = {
      gone: `${id(1)}.log`,
      goneRotated: `${id(1)}.log.1`,
      kept: `${id(2)}.log`, // its session still exists
      fresh: `${id(3)}.log`, // no row yet, written a minute ago
      main: 'main.log', // not a session log
      other: `${id(4)}.log.tmp`,
    };
    for (const [key, name] of Object.entries(files)) {
      await writeFile(join(logDir, name), 'x');
      if (key !== 'fresh') await utimes(join(logDir, name), old, old);
    }
    const removed = await pruneSessionLogs(logDir, (s) => s === id(2), now);
    expect(removed).toBe(2);
    expect((await readdir(logDir)).sort()).toEqual([files.fresh, files.kept, files.main, files.other].sort());
  });

  it('a missing log folder is nothing to do', async () => {
    expect(await pruneSessionLogs(join(tempDir(), 'none'), () => false, Date.now())).toBe(0);
  });
});
