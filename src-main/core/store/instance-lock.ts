/**
 * One instance per data dir, enforced by the OS: the lock is an exclusive
 * SQLite lock on a small database of its own (`instance.lock`), held by an
 * open connection in `locking_mode = EXCLUSIVE` for as long as the process
 * lives. SQLite takes it with fcntl() byte-range locks on Linux/macOS and
 * LockFileEx() on Windows; the kernel drops it when the process dies, kill -9
 * included, so there is no stale state to detect and nothing to unlink. Taking
 * it is one atomic step — unlike "is the socket answering? then unlink it",
 * which two starts can both pass.
 *
 * better-sqlite3 is already the project's database driver (and is built for
 * Electron's ABI in the tray app), so this needs no native module of its own.
 * Caveat (docs/security.md): byte-range locks are unreliable on some network
 * file systems; keep the data dir local.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';

export const LOCK_FILE_NAME = 'instance.lock';

/** Another process holds this data dir's lock. */
export class InstanceLockedError extends Error {
  override readonly name = 'InstanceLockedError';
  constructor(readonly dataDir: string) {
    super(`another nightshift process (the tray app or "nightshift run") is using the data dir ${dataDir}`);
  }
}

export interface InstanceLock {
  readonly path: string;
  /** Releases the lock (closes the connection). Idempotent. */
  release(): void;
}

export interface LockOptions {
  /** better-sqlite3 binary for Electron's ABI (see store/db.ts). */
  nativeBinding?: string | undefined;
  /** Keep trying this long before giving up (a CLI command may hold it for a moment). Default: {@link CONTENTION_WINDOW_MS}. */
  waitMs?: number;
  retryEveryMs?: number;
}

/**
 * Two starts at the same instant can both be refused: each takes SQLite's
 * SHARED lock on the way to EXCLUSIVE, and each then finds the other's SHARED
 * lock in the way (SQLITE_BUSY for both; seen in 1 of 36 rounds of the
 * two-starts test). The loser of such a tie closes at once, so retrying
 * briefly, at jittered moments, lets exactly one win; a lock that is really
 * held is refused after this window.
 */
export const CONTENTION_WINDOW_MS = 750;

/** Takes the data dir's exclusive lock (the directory must exist). Throws InstanceLockedError when held elsewhere. */
export async function acquireInstanceLock(dataDir: string, options: LockOptions = {}): Promise<InstanceLock> {
  const deadline = Date.now() + Math.max(options.waitMs ?? 0, CONTENTION_WINDOW_MS);
  const every = options.retryEveryMs ?? 100;
  for (;;) {
    const lock = tryAcquire(dataDir, options.nativeBinding);
    if (lock) return lock;
    if (Date.now() >= deadline) throw new InstanceLockedError(dataDir);
    // Jittered: two contenders that failed together must not retry together.
    await new Promise((r) => setTimeout(r, every * (0.5 + Math.random())));
  }
}

function tryAcquire(dataDir: string, nativeBinding: string | undefined): InstanceLock | null {
  const path = join(dataDir, LOCK_FILE_NAME);
  // timeout 0: a held lock fails at once with SQLITE_BUSY instead of waiting in the driver (a blocking wait).
  const db = new Database(path, { timeout: 0, ...(nativeBinding ? { nativeBinding } : {}) });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // The first write in exclusive mode takes the EXCLUSIVE lock and never gives it back until close.
    db.exec('BEGIN EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, since INTEGER NOT NULL)');
    db.exec('DELETE FROM holder');
    db.prepare('INSERT INTO holder (pid, since) VALUES (?, ?)').run(process.pid, Date.now());
    db.exec('COMMIT');
  } catch (err) {
    db.close();
    if (isBusy(err)) return null;
    throw err;
  }
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      db.close();
    },
  };
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}
