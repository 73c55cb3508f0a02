/**
 * A real DaemonLoop on a simulated clock, for benches: real SQLite (in a temp
 * dir), a real task source, an agent that finishes at once. Only time is fake.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../src-main/core/clock';
import type { DaemonLoop, LoopTuning } from '../../src-main/core/loop/daemon-loop';
import type { AgentRuntime } from '../../src-main/core/runtimes/port';
import type { LocalTaskSource } from '../../src-main/core/sources/local';
import type { TaskSource } from '../../src-main/core/sources/port';
import { type Db, openDatabase } from '../../src-main/core/store/db';
import { TickLog } from '../../src-main/core/store/tick-log';
import { buildDaemonLoop, instantAgent } from '../../test/support/build-daemon-loop';

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
  const loop = buildDaemonLoop(db, {
    name: 'bench',
    tuning,
    source: makeSource(db, clock),
    runtime,
    ticks,
    clock,
    ...(options.random ? { random: options.random } : {}),
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
