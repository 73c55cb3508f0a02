/**
 * The one way tests and benches build a real DaemonLoop: over a real SQLite
 * database, with every collaborator defaulted to the plain choice (a fake
 * clock, an in-memory source, an agent that finishes at once, the temp dir as
 * workspace, no logging, callbacks that do nothing). A caller overrides only
 * what its scenario is about — a real HTTP source, a shared session store, a
 * bench's tuning — instead of spelling out all fifteen fields.
 */
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FakeClock } from '../../src-main/core/clock';
import { silentLogger } from '../../src-main/core/log';
import { DaemonLoop, type DaemonLoopOptions, type LoopTuning } from '../../src-main/core/loop/daemon-loop';
import type { AgentHandle, AgentOutcome, AgentRuntime } from '../../src-main/core/runtimes/port';
import { SessionStore } from '../../src-main/core/sessions/session-store';
import type { Db } from '../../src-main/core/store/db';
import { StateStore } from '../../src-main/core/store/state-store';
import { TickLog } from '../../src-main/core/store/tick-log';
import type { WorkspacePort } from '../../src-main/core/workspace-port';
import { MemorySource } from './memory-source';

/** A test daemon's tuning: 10 s base, 120 s idle cap, two slots, no jitter (every delay exact). */
export const TEST_TUNING: LoopTuning = { pollIntervalMs: 10_000, maxIdleBackoffMs: 120_000, maxConcurrent: 2, jitter: false };

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

export type DaemonLoopOverrides = Omit<Partial<DaemonLoopOptions>, 'tuning'> & { tuning?: Partial<LoopTuning> };

/** A DaemonLoop over `db`; logs and run folders go next to the database file. */
export function buildDaemonLoop(db: Db, overrides: DaemonLoopOverrides = {}): DaemonLoop {
  const clock = overrides.clock ?? new FakeClock();
  return new DaemonLoop({
    name: 'd1',
    pausedByConfig: false,
    runtime: instantAgent,
    workspaces: cwdWorkspaces,
    logger: silentLogger,
    logDir: join(dirname(db.name), 'logs'),
    onChange() {},
    onTick() {},
    onNotice() {},
    ...overrides,
    clock,
    tuning: { ...TEST_TUNING, ...overrides.tuning },
    source: overrides.source ?? new MemorySource(),
    sessions: overrides.sessions ?? new SessionStore(db, () => clock.now()),
    ticks: overrides.ticks ?? new TickLog(db),
    state: overrides.state ?? new StateStore(db),
  });
}
