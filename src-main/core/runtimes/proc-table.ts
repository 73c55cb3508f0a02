/**
 * The one reader of Linux's /proc process table. Liveness checks
 * (process-liveness.ts), the start-time identity (process-identity.ts) and
 * the sweep of leftover agents (leftovers.ts) all read the same fields, so
 * the parsing lives here once. Other platforms have no /proc: every function
 * answers null there, and callers fall back to what they can know.
 */
import { readdir, readFile } from 'node:fs/promises';

export interface ProcStat {
  pid: number;
  /** One letter: R running, S sleeping, Z zombie, X dead, … (proc(5)). */
  state: string;
  ppid: number;
  pgid: number;
  /** Clock ticks since boot when the process started (field 22): with the pid, an exact identity. */
  startTime: string;
}

export interface ProcEntry extends ProcStat {
  /** The NUL-separated environment, when asked for and readable (a zombie's is empty; another user's is closed). */
  environ: string | null;
}

/**
 * Parses /proc/<pid>/stat: "pid (comm) state ppid pgrp … starttime …". The
 * command name may hold spaces and parentheses, so fields are counted after
 * the last ')'.
 */
export function parseProcStat(pid: number, text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const fields = text.slice(close + 2).split(' ');
  const [state, ppid, pgid, startTime] = [fields[0], Number(fields[1]), Number(fields[2]), fields[19]];
  if (!state || !Number.isInteger(ppid) || !Number.isInteger(pgid) || !startTime) return null;
  return { pid, state, ppid, pgid, startTime };
}

/** A zombie (exited, not yet reaped) or dead entry holds no memory, files or locks: it is not alive. */
export function isZombieState(state: string): boolean {
  return state === 'Z' || state === 'X';
}

/** The stat of one process; null when it is gone or there is no /proc. */
export async function readProcStat(pid: number): Promise<ProcStat | null> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return text === null ? null : parseProcStat(pid, text);
}

/**
 * Every process in /proc, with its environment when `withEnviron`. Null when
 * /proc cannot be listed (not Linux), so a caller can tell "nothing found"
 * from "cannot look". Processes that exit during the scan are left out.
 */
export async function scanProcTable(options: { withEnviron?: boolean } = {}): Promise<ProcEntry[] | null> {
  const names = await readdir('/proc').catch(() => null);
  if (!names) return null;
  const entries = await Promise.all(
    names
      .filter((name) => /^\d+$/.test(name))
      .map(async (name): Promise<ProcEntry | null> => {
        const pid = Number(name);
        const stat = await readProcStat(pid);
        if (!stat) return null;
        const environ = options.withEnviron ? await readFile(`/proc/${pid}/environ`, 'latin1').catch(() => null) : null;
        return { ...stat, environ };
      }),
  );
  return entries.filter((e): e is ProcEntry => e !== null);
}

/** The value of one variable in a /proc environ block, or null. */
export function environValue(environ: string | null, name: string): string | null {
  if (!environ) return null;
  for (const entry of environ.split('\0')) {
    if (entry.startsWith(`${name}=`)) return entry.slice(name.length + 1) || null;
  }
  return null;
}
