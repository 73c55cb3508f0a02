/**
 * The data dir's instance lock (issue 13): an OS-level exclusive lock, taken
 * atomically, released by the kernel when its holder dies — kill -9 included.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireInstanceLock, InstanceLockedError } from '../../src-main/core/store/instance-lock';
import { ROOT } from './harness';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A separate process that takes the lock, says "locked", and holds it until killed. */
function holdInChild(): Promise<ReturnType<typeof spawn>> {
  const script = `
    const { acquireInstanceLock } = require(${JSON.stringify(join(ROOT, 'src-main/core/store/instance-lock.ts'))});
    acquireInstanceLock(process.argv[1]).then(() => { console.log('locked'); setInterval(() => {}, 1000); },
      (err) => { console.log('refused ' + err.name); process.exit(3); });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script, dir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) =>
      chunk.toString().startsWith('locked') ? resolve(child) : reject(new Error(chunk.toString())),
    );
    child.once('exit', (code) => reject(new Error(`lock holder exited ${code}`)));
  });
}

describe('instance lock', () => {
  it('is exclusive within one process and free again after release', async () => {
    const first = await acquireInstanceLock(dir);
    await expect(acquireInstanceLock(dir)).rejects.toBeInstanceOf(InstanceLockedError);
    first.release();
    first.release();
    const second = await acquireInstanceLock(dir);
    second.release();
  });

  it('is refused while another process holds it, and free the moment that process is killed -9', async () => {
    const holder = await holdInChild();
    await expect(acquireInstanceLock(dir)).rejects.toThrow(/another nightshift process .* is using the data dir/);
    const exited = new Promise((r) => holder.once('exit', r));
    holder.kill('SIGKILL');
    await exited;
    const lock = await acquireInstanceLock(dir);
    lock.release();
  });

  it('waits up to waitMs for a holder that lets go', async () => {
    const first = await acquireInstanceLock(dir);
    setTimeout(() => first.release(), 200);
    const second = await acquireInstanceLock(dir, { waitMs: 5_000, retryEveryMs: 20 });
    second.release();
  });
});
