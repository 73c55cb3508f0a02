/**
 * When to kill -9 the run. Random delays alone mostly land while agents
 * sleep, so besides them some kill points watch what the run does and strike
 * right then: just after tasks were added (the push wakes the loop into a
 * claim), while an agent runs, right after an agent exited (the result is
 * being recorded and reported), and on the next write to the SQLite WAL.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { CrashableRun } from './crash-processes';

export const KILL_POINTS = ['startup', 'claim', 'random', 'agent-running', 'agent-exited', 'db-write'] as const;
export type KillPoint = (typeof KILL_POINTS)[number];

export interface KillContext {
  run: CrashableRun;
  agentLog: string;
  walPath: string;
  random: () => number;
  /** Adds this cycle's tasks while the run is up. */
  enqueueLive(): Promise<void>;
}

export interface KillResult {
  point: KillPoint;
  /** The watched event never came in time and the kill fell back to a plain delay. */
  fellBack: boolean;
  /** The run was already gone (it never started) when the kill came. */
  missed: boolean;
}

/** Longest wait for a watched event before killing anyway. */
const WATCH_TIMEOUT_MS = 6_000;
const POLL_MS = 2;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (random: () => number, lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

export async function killAt(point: KillPoint, ctx: KillContext): Promise<KillResult> {
  const { run, random } = ctx;
  let fellBack = false;
  if (point === 'startup') {
    // Before or during start-up: the lock, migrations, reconciliation of the previous crash.
    await sleep(between(random, 0, 700));
  } else {
    if (!(await run.ready)) return { point, fellBack, missed: true };
    const events = agentEventCounter(ctx.agentLog);
    const wal = walWatcher(ctx.walPath);
    await ctx.enqueueLive();
    switch (point) {
      case 'claim':
        await sleep(between(random, 0, 40));
        break;
      case 'random':
        await sleep(between(random, 0, 2_500));
        break;
      case 'agent-running':
        fellBack = !(await waitUntil(() => events.count('start') > 0));
        await sleep(between(random, 0, 400));
        break;
      case 'agent-exited':
        fellBack = !(await waitUntil(() => events.count('end') > 0));
        await sleep(between(random, 0, 10));
        break;
      case 'db-write':
        await sleep(between(random, 0, 800));
        wal.rebase();
        fellBack = !(await waitUntil(() => wal.changed()));
        break;
    }
  }
  const missed = !run.isRunning();
  await run.crash();
  return { point, fellBack, missed };
}

async function waitUntil(check: () => boolean): Promise<boolean> {
  const deadline = Date.now() + WATCH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(POLL_MS);
  }
  return false;
}

/** Counts agent-log events appended since it was created; re-reads the file only when its size changed. */
function agentEventCounter(path: string) {
  const sizeOf = () => (existsSync(path) ? statSync(path).size : 0);
  const baseline = sizeOf();
  let lastSize = baseline;
  let counts = { start: 0, end: 0 };
  return {
    count(event: 'start' | 'end'): number {
      const size = sizeOf();
      if (size !== lastSize) {
        lastSize = size;
        const added = readFileSync(path).subarray(baseline).toString('utf8');
        counts = {
          start: (added.match(/"event":"start"/g) ?? []).length,
          end: (added.match(/"event":"end"/g) ?? []).length,
        };
      }
      return counts[event];
    },
  };
}

/** Notices the next write to the WAL file (size or modification time changes). */
function walWatcher(path: string) {
  const stamp = () => {
    try {
      const s = statSync(path, { bigint: true });
      return `${s.size}:${s.mtimeNs}`;
    } catch {
      return 'none';
    }
  };
  let base = stamp();
  return {
    rebase() {
      base = stamp();
    },
    changed: () => stamp() !== base,
  };
}
