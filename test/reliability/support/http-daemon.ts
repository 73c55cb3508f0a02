/**
 * A real DaemonLoop over the real HTTP source, talking to the fixture task
 * server on 127.0.0.1, with a real SQLite file and a simulated clock. Only
 * time is fake (and the agent, which finishes when the harness says so): every
 * byte between the daemon and the server crosses a real socket.
 *
 * The driver fires one tick at a time and waits, in real time, for that tick
 * to finish its HTTP exchanges before simulated time moves on, so that a
 * 10-minute storm is replayed tick by tick in well under a second.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TickRecord } from '@shared/ticks';
import { FakeClock, settle } from '../../../src-main/core/clock';
import { sourceConfigSchema } from '../../../src-main/core/config';
import type { Notice } from '../../../src-main/core/core-events';
import type { DaemonLoop, LoopTuning } from '../../../src-main/core/loop/daemon-loop';
import { SessionStore } from '../../../src-main/core/sessions/session-store';
import { createHttpSource, type HttpSourceConfig, type HttpTaskSource } from '../../../src-main/core/sources/http';
import { type Db, openDatabase } from '../../../src-main/core/store/db';
import { startTaskServer, type TaskServer } from '../../fixtures/task-server/server';
import { buildDaemonLoop } from '../../support/build-daemon-loop';
import { ScriptedRuntime } from '../../support/scripted-runtime';

export interface HttpDaemonOptions {
  tuning?: Partial<LoopTuning>;
  /** Real-time timeout of every HTTP request (the config's requestTimeoutMs). */
  requestTimeoutMs?: number;
  /** Largest response body the source accepts. */
  maxBodyBytes?: number;
  /** Seeded randomness for the loop's jitter. */
  random?: () => number;
}

export interface HttpDaemon {
  server: TaskServer;
  source: HttpTaskSource;
  clock: FakeClock;
  db: Db;
  loop: DaemonLoop;
  runtime: ScriptedRuntime;
  sessions: SessionStore;
  ticks: TickRecord[];
  notices: Notice[];
  /** Fires the next scheduled tick (jumping simulated time to it) and waits until it has finished. */
  nextTick(): Promise<TickRecord>;
  /** Moves simulated time to `at` without firing anything (there must be no tick due before it). */
  advanceTo(at: number): Promise<void>;
  /** Lets promise chains and the agent-exit callbacks run (real time, a few ms). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** A tick that has not finished after this long (real time) has hung: a finding, not a wait. */
const TICK_DEADLINE_MS = 15_000;

export async function startHttpDaemon(options: HttpDaemonOptions = {}): Promise<HttpDaemon> {
  const dir = mkdtempSync(join(tmpdir(), 'nightshift-faults-'));
  const server = await startTaskServer({ mode: 'plain' });
  const clock = new FakeClock();
  const db = openDatabase(join(dir, 'nightshift.db'));
  const sessions = new SessionStore(db, () => clock.now());
  const runtime = new ScriptedRuntime('command', 24 * 60 * 60 * 1000);
  // Polling only: push channels hold sockets open on real timers, which a storm replayed on a simulated clock cannot pace.
  const config = sourceConfigSchema.parse({
    kind: 'http',
    url: server.url,
    push: [],
    requestTimeoutMs: options.requestTimeoutMs ?? 2_000,
  }) as HttpSourceConfig;
  const source = createHttpSource(config, {
    daemon: 'faults',
    clock,
    ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
  });
  const ticks: TickRecord[] = [];
  const notices: Notice[] = [];
  const loop = buildDaemonLoop(db, {
    name: 'faults',
    ...(options.tuning ? { tuning: options.tuning } : {}),
    source,
    runtime,
    sessions,
    clock,
    ...(options.random ? { random: options.random } : {}),
    onTick: (t) => ticks.push(t),
    onNotice: (n) => notices.push(n),
  });

  async function waitForTick(count: number): Promise<TickRecord> {
    const deadline = Date.now() + TICK_DEADLINE_MS;
    while (ticks.length < count) {
      if (Date.now() > deadline) throw new Error(`tick ${count} did not finish within ${TICK_DEADLINE_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return ticks[count - 1]!;
  }

  return {
    server,
    source,
    clock,
    db,
    loop,
    runtime,
    sessions,
    ticks,
    notices,
    async nextTick() {
      const due = loop.nextTickAt;
      if (due === null) throw new Error('no tick is scheduled');
      const expected = ticks.length + 1;
      await clock.advance(Math.max(0, due - clock.now()));
      return waitForTick(expected);
    },
    async advanceTo(at) {
      const due = loop.nextTickAt;
      if (due !== null && due <= at) throw new Error(`a tick is due at ${due}, before ${at}`);
      await clock.advance(at - clock.now());
    },
    settle: () => settle(10),
    async close() {
      await loop.stop();
      await server.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
