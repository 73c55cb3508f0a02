/**
 * N real DaemonLoops over ONE real SQLite file, wired the way the Supervisor
 * wires them (one SessionStore, TickLog, StateStore and LocalTaskQueue shared
 * by all), each daemon on its own local queue, on one FakeClock. The agent is
 * scripted ({@link ScriptedAgent}) so a bench decides when runs end; only time
 * and the agent are fake.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TickRecord } from '@shared/ticks';
import type { Clock } from '../../src-main/core/clock';
import { FakeClock } from '../../src-main/core/clock';
import type { DaemonLoop, LoopTuning } from '../../src-main/core/loop/daemon-loop';
import type { AgentOutcome, AgentRuntime, AgentStartSpec } from '../../src-main/core/runtimes/port';
import { SessionStore } from '../../src-main/core/sessions/session-store';
import { LocalTaskSource } from '../../src-main/core/sources/local';
import { LocalTaskQueue } from '../../src-main/core/sources/local-queue';
import type { TaskSource } from '../../src-main/core/sources/port';
import { type Db, openDatabase } from '../../src-main/core/store/db';
import { StateStore } from '../../src-main/core/store/state-store';
import { TickLog } from '../../src-main/core/store/tick-log';
import { buildDaemonLoop } from '../../test/support/build-daemon-loop';

/** A run the bench controls: it ends when the bench calls `finish` (or the loop stops it). */
export interface ScriptedRun {
  spec: AgentStartSpec;
  finish(outcome: AgentOutcome): void;
}

export class ScriptedAgent implements AgentRuntime {
  readonly name = 'command';
  readonly timeoutMs = 2 * 60 * 60 * 1000;
  /** Runs not yet finished, oldest first. */
  readonly running: ScriptedRun[] = [];

  constructor(private readonly onStart: (run: ScriptedRun) => void = () => {}) {}

  async checkAvailability() {
    return { available: true as const };
  }

  start(spec: AgentStartSpec) {
    let resolve!: (outcome: AgentOutcome) => void;
    const done = new Promise<AgentOutcome>((r) => {
      resolve = r;
    });
    const run: ScriptedRun = {
      spec,
      finish: (outcome) => {
        const at = this.running.indexOf(run);
        if (at === -1) return;
        this.running.splice(at, 1);
        resolve(outcome);
      },
    };
    this.running.push(run);
    this.onStart(run);
    return {
      pid: undefined,
      done,
      stop: async (reason: 'cancelled' | 'timeout' | 'shutdown') => run.finish({ kind: 'stopped', reason }),
    };
  }
}

export interface FleetDaemon {
  name: string;
  queueName: string;
  loop: DaemonLoop;
  agent: ScriptedAgent;
  source: TaskSource;
}

export interface Fleet {
  dir: string;
  dbPath: string;
  db: Db;
  clock: FakeClock;
  queue: LocalTaskQueue;
  sessions: SessionStore;
  ticks: TickLog;
  daemons: FleetDaemon[];
  close(): Promise<void>;
}

export interface FleetOptions {
  daemons: number;
  tuning: LoopTuning;
  random?: () => number;
  /** Called with the daemon's index when its timer fires (a tick is about to start) and when the tick is recorded. */
  onTimer?(index: number): void;
  onTick?(index: number, tick: TickRecord): void;
  /** Wraps each daemon's source (e.g. to switch its push off). */
  wrapSource?(source: LocalTaskSource): TaskSource;
  onAgentStart?(index: number, run: ScriptedRun): void;
  /** Overrides PRAGMA wal_autocheckpoint (pages; 0 = off), to test where slow commits come from. */
  walAutocheckpoint?: number;
}

export function createFleet(options: FleetOptions): Fleet {
  const dir = mkdtempSync(join(tmpdir(), 'nightshift-bench-fleet-'));
  const dbPath = join(dir, 'nightshift.db');
  const db = openDatabase(dbPath);
  // Diagnostic only: the product keeps SQLite's default (checkpoint at 1000 WAL pages, inside a commit).
  if (options.walAutocheckpoint !== undefined) db.pragma(`wal_autocheckpoint = ${options.walAutocheckpoint}`);
  const clock = new FakeClock();
  const now = () => clock.now();
  const queue = new LocalTaskQueue(db, now);
  const sessions = new SessionStore(db, now);
  const ticks = new TickLog(db);
  const state = new StateStore(db);
  const daemons: FleetDaemon[] = [];
  for (let i = 0; i < options.daemons; i++) {
    const name = `daemon-${String(i).padStart(2, '0')}`;
    const queueName = `q${i}`;
    // Each daemon sees the shared clock through its own view, so a bench can
    // tell which daemon's timer fired (the start of that daemon's tick).
    const view: Clock = {
      now,
      setTimer: (fn, ms) =>
        clock.setTimer(() => {
          options.onTimer?.(i);
          fn();
        }, ms),
    };
    const local = new LocalTaskSource(queue, { queue: queueName, review: false, worker: name });
    const source = options.wrapSource ? options.wrapSource(local) : local;
    const agent = new ScriptedAgent((run) => options.onAgentStart?.(i, run));
    const loop = buildDaemonLoop(db, {
      name,
      tuning: options.tuning,
      source,
      runtime: agent,
      sessions,
      ticks,
      state,
      clock: view,
      ...(options.random ? { random: options.random } : {}),
      onTick: (tick) => options.onTick?.(i, tick),
    });
    daemons.push({ name, queueName, loop, agent, source });
  }
  return {
    dir,
    dbPath,
    db,
    clock,
    queue,
    sessions,
    ticks,
    daemons,
    async close() {
      await Promise.all(daemons.map((d) => d.loop.stop()));
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
