/**
 * A DaemonLoop wired to a real SQLite file, an in-memory source, a scripted
 * runtime and a fake clock: every delay the loop chooses can be read back
 * from the tick log and asserted exactly.
 */
import { join } from 'node:path';
import type { TickRecord } from '@shared/ticks';
import { FakeClock } from '../../src-main/core/clock';
import type { Notice } from '../../src-main/core/core-events';
import type { DaemonLoop, LoopTuning } from '../../src-main/core/loop/daemon-loop';
import { SessionStore } from '../../src-main/core/sessions/session-store';
import type { TaskSource } from '../../src-main/core/sources/port';
import { type Db, openDatabase } from '../../src-main/core/store/db';
import { StateStore } from '../../src-main/core/store/state-store';
import { TickLog } from '../../src-main/core/store/tick-log';
import type { WorkspacePort } from '../../src-main/core/workspace-port';
import { buildDaemonLoop } from './build-daemon-loop';
import { MemorySource } from './memory-source';
import { ScriptedRuntime } from './scripted-runtime';

export interface Harness<S extends TaskSource = MemorySource> {
  db: Db;
  clock: FakeClock;
  source: S;
  runtime: ScriptedRuntime;
  sessions: SessionStore;
  state: StateStore;
  ticks: TickLog;
  loop: DaemonLoop;
  notices: Notice[];
  tickEvents: TickRecord[];
  /** Builds another loop over the same database (a restart). */
  restart(): DaemonLoop;
}

export const noWorkspaces: WorkspacePort = {
  async prepare(_task, sessionId) {
    return { path: process.cwd(), record: JSON.stringify({ kind: 'cwd', path: process.cwd(), sessionId }) };
  },
  pathOf: () => process.cwd(),
  async cleanup() {
    return { removed: false };
  },
};

export function createHarness(dir: string, tuning: Partial<LoopTuning> = {}, extra: { random?: () => number } = {}): Harness {
  return createHarnessOver(dir, new MemorySource(), tuning, extra);
}

/** The same harness over any source (a real HTTP or PostgreSQL source); `clock` drives the loop's timers only. */
export function createHarnessOver<S extends TaskSource>(
  dir: string,
  source: S,
  tuning: Partial<LoopTuning> = {},
  extra: { random?: () => number; clock?: FakeClock } = {},
): Harness<S> {
  const db = openDatabase(join(dir, 'nightshift.db'));
  const clock = extra.clock ?? new FakeClock();
  const runtime = new ScriptedRuntime();
  const sessions = new SessionStore(db, () => clock.now());
  const state = new StateStore(db);
  const ticks = new TickLog(db);
  const notices: Notice[] = [];
  const tickEvents: TickRecord[] = [];
  const make = () =>
    buildDaemonLoop(db, {
      tuning,
      source,
      runtime,
      sessions,
      ticks,
      state,
      workspaces: noWorkspaces,
      clock,
      ...(extra.random ? { random: extra.random } : {}),
      onTick: (t) => tickEvents.push(t),
      onNotice: (n) => notices.push(n),
    });
  const h: Harness<S> = { db, clock, source, runtime, sessions, state, ticks, loop: make(), notices, tickEvents, restart: make };
  return h;
}

/** The delays (s) the loop chose, tick by tick. */
export function delaysS(h: Harness<TaskSource>): number[] {
  return h.tickEvents.map((t) => t.delayMs / 1000);
}
