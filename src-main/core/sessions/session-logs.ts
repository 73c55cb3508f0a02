/**
 * Each session's log (`logs/<session id>.log` and its rotated `.log.1`,
 * core/bounded-log.ts) goes when the session's row goes: pruned
 * SESSION_RETENTION_MS after it ended (supervisor.ts). The sweep goes by
 * file name, not by the ids just pruned, so logs whose row went earlier (a
 * crash between the two, or a version without this sweep) go as well.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

const SESSION_LOG = /^(s_[0-9a-f-]{36})\.log(?:\.1)?$/;
/** A log without a row is kept this long after its last write: never race a session being created. */
export const ORPHAN_LOG_GRACE_MS = 24 * 60 * 60 * 1000;

/** Removes the session logs in `logDir` whose session no longer exists; resolves with how many. */
export async function pruneSessionLogs(logDir: string, sessionExists: (id: string) => boolean, now: number): Promise<number> {
  const names = await readdir(logDir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const id = SESSION_LOG.exec(name)?.[1];
    if (!id || sessionExists(id)) continue;
    const path = join(logDir, name);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile() || info.mtimeMs > now - ORPHAN_LOG_GRACE_MS) continue;
    await rm(path, { force: true });
    removed++;
  }
  return removed;
}
