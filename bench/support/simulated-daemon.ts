/**
 * A real DaemonLoop on a simulated clock, for benches: real SQLite (in a temp
 * dir), a real task source, an agent that finishes at once. Only time is fake.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../src-main/core/clock';
import { silentLogger } from '../../src-main/core/log';
import { DaemonLoop, type LoopTuning } from '../../src-main/core/loop/daemon-loop';
import { SessionStore } from '../../src-main/core/sessions/session-store';
import type { LocalTaskSource } from '../../src-main/core/sources/local';
import { type Db, openDatabase } from '../../src-main/core/store/db';
import { StateStore } from '../../src-main/core/store/state-store';
import { TickLog } from '../../src-main/core/store/tick-log';
import type { AgentHandle, AgentOutcome, AgentRuntime, TaskSource } from '../../src-main/core/types';
import type { WorkspacePort } from '../../src-main/core/workspace-port';

/** Finishes every run on the next turn of the event loop: pickup, not agent time, is measured. */
export const instantAgent: AgentRuntime = {
  name: 'command',
  timeoutMs: 3_600_000,
  async checkAvailability() {
    return { available: true };
  },
  start(): AgentHandle {
    const done = Promise.resolve<AgentOutcome>({ kind: 'completed', summary: 'ok' });
    return { pid: undefined, done, stop: async () => {} };
  },
};

/** Agents run in the temp dir; nothing to prepare or clean. */
export const cwdWorkspaces: WorkspacePort = {
  prepare: async () => ({ path: tmpdir(), record: JSON.stringify({ kind: 'cwd', path: tmpdir() }) }),
  pathOf: () => tmpdir(),
  cleanup: async () => ({ removed: false }),
};

export interface SimulatedDaemon {
  clock: FakeClock;
  db: Db;
  loop: DaemonLoop;
  ticks: TickLog;
  /** Epoch ms of each dispatch, in order. */
  dispatches: number[];
  close(): Promise<void>;
}

export function simulatedDaemon(
  makeSource: (db: Db, clock: FakeClock) => TaskSource,
  tuning: LoopTuning,
  options: { clock?: FakeClock; random?: () => number } = {},
): SimulatedDaemon {
  const dir = mkdtempSync(join(tmpdir(), 'nightshift-bench-'));
  const clock = options.clock ?? new FakeClock();
  const db = openDatabase(join(dir, 'nightshift.db'));
  const ticks = new TickLog(db);
  const dispatches: number[] = [];
  const runtime: AgentRuntime = {
    ...instantAgent,
    start(spec) {
      dispatches.push(clock.now());
      return instantAgent.start(spec);
    },
  };
  const loop = new DaemonLoop({
    name: 'bench',
    tuning,
    pausedByConfig: false,
    source: makeSource(db, clock),
    runtime,
    sessions: new SessionStore(db, () => clock.now()),
    ticks,
    state: new StateStore(db),
    workspaces: cwdWorkspaces,
    clock,
    logger: silentLogger,
    logDir: join(dir, 'logs'),
    ...(options.random ? { random: options.random } : {}),
    onChange() {},
    onTick() {},
    onNotice() {},
  });
  return {
    clock,
    db,
    loop,
    ticks,
    dispatches,
    async close() {
      await loop.stop();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A local source with its push switched off: what a plain polling source (HTTP without SSE) looks like to the loop. */
export function pollOnly(source: LocalTaskSource): TaskSource {
  return {
    kind: 'local (poll only)',
    listClaimable: () => source.listClaimable(),
    claim: (id) => source.claim(id),
    get: (id) => source.get(id),
    complete: (id, s) => source.complete(id, s),
    fail: (id, e) => source.fail(id, e),
    release: (id) => source.release(id),
    notes: (id) => source.notes(id),
    requestCount: () => source.requestCount(),
  };
}

/** A seeded PRNG (mulberry32) so every run of a bench sees the same arrivals. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function printTable(title: string, header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [
    `### ${title}`,
    '',
    line(header),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...cells.slice(1).map(line),
    '',
  ].join('\n');
  console.log(out);
  return out;
}
