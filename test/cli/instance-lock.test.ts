/**
 * The data dir's instance lock (issue 13): an OS-level exclusive lock, taken
 * atomically, released by the kernel when its holder dies — kill -9 included.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  acquireInstanceLock,
  CONTENTION_WINDOW_MS,
  InstanceLockedError,
  LOCK_FILE_NAME,
} from '../../src-main/core/store/instance-lock';
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
    // Kept referenced: a collected connection closes, and the kernel drops the lock with it.
    acquireInstanceLock(process.argv[1]).then((lock) => { globalThis.held = lock; console.log('locked'); setInterval(() => {}, 1000); },
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

  it('a tie is not a refusal: a contender holding the SHARED lock on its way to EXCLUSIVE, then giving up, loses to us', async () => {
    // What a simultaneous start leaves for an instant: a connection in exclusive locking mode that has read the file
    // (SHARED, kept in that mode) and has not yet failed and closed. Before the retry window both sides were refused.
    const first = await acquireInstanceLock(dir);
    first.release();
    const contender = new Database(join(dir, LOCK_FILE_NAME), { timeout: 0 });
    contender.pragma('locking_mode = EXCLUSIVE');
    contender.prepare('SELECT count(*) FROM holder').get();
    setTimeout(() => contender.close(), 150);
    const lock = await acquireInstanceLock(dir);
    lock.release();
  });

  it('refuses a lock that stays held, once the contention window is over', async () => {
    const held = await acquireInstanceLock(dir);
    const started = Date.now();
    await expect(acquireInstanceLock(dir)).rejects.toBeInstanceOf(InstanceLockedError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(CONTENTION_WINDOW_MS);
    held.release();
  });

  it('waits up to waitMs for a holder that lets go', async () => {
    const first = await acquireInstanceLock(dir);
    setTimeout(() => first.release(), 200);
    const second = await acquireInstanceLock(dir, { waitMs: 5_000, retryEveryMs: 20 });
    second.release();
  });
});
