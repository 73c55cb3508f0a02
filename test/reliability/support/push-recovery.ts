/**
 * Push after an outage, end to end: the real source (SSE, long poll or
 * PostgreSQL LISTEN) and the real DaemonLoop with an instant agent, the
 * server taken away for a while and brought back, time on a
 * {@link SkipAheadClock} (waits in which nothing is in flight are skipped,
 * every request is real). Measured in clock time from the server's return:
 * the first request it answers (the loop's next tick or the channel's next
 * reconnect, whichever timer comes first), push healthy again, and the
 * pickup of a task added 2 s after the return. Goal (issue 13): pickup
 * ≤ 1 s within 2 s of the server's return.
 *
 * The HTTP server goes away for real (closed; its port refuses) and returns
 * on the same port; PostgreSQL's outage is a proxy in front of the local
 * server that cuts its connections and stops listening, so that new ones are
 * refused as by a stopped server (the shared cluster keeps running).
 */
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import pg from 'pg';
import { benchDaemon, DEFAULT_TUNING, untilWaiting } from '../../../bench/sources/bench-daemon';
import { SkipAheadClock } from '../../../bench/sources/skip-ahead-clock';
import { seededRandom } from '../../../bench/support/simulated-daemon';
import { sourceConfigSchema } from '../../../src-main/core/config';
import { createHttpSource, type HttpSourceConfig } from '../../../src-main/core/sources/http';
import type { TaskSource } from '../../../src-main/core/sources/port';
import { createPostgresSource, enqueuePostgresTask, type PostgresSourceConfig } from '../../../src-main/core/sources/postgres';
import { startTaskServer, type TaskServer } from '../../fixtures/task-server/server';
import { startPgProxy } from '../../support/pg-proxy';
import { PG_SOCKET_DIR } from '../../support/pg-socket';

export type RecoveryChannel = 'sse' | 'longpoll' | 'listen';

export interface PushRecoveryFigures {
  channel: RecoveryChannel;
  outageMs: number;
  /** Return → the first request the server answered (clock ms). */
  firstAnswerMs: number;
  /** Return → push healthy again. */
  pushBackMs: number;
  /** A task added 2 s after the return → its agent started. */
  pickupMs: number;
  skipped?: string;
}

/** The task that measures pickup arrives this long after the server's return. */
export const ADDED_AFTER_RETURN_MS = 2_000;
/** The goal: that task starts within this long. */
export const PICKUP_GOAL_MS = 1_000;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What a scenario needs from the server side of one channel. */
interface World {
  source: TaskSource & { pushHealthy(): boolean };
  /** Requests (or connections) the server answered since it came back. */
  answeredSinceReturn(): number;
  down(): Promise<void>;
  up(): Promise<void>;
  addTask(title: string): Promise<void>;
  close(): Promise<void>;
}

export async function runPushRecovery(channel: RecoveryChannel, outageMs: number): Promise<PushRecoveryFigures> {
  const clock = new SkipAheadClock();
  let world: World;
  try {
    world = channel === 'listen' ? await postgresWorld(clock) : await httpWorld(channel, clock);
  } catch (err) {
    clock.dispose();
    return { channel, outageMs, firstAnswerMs: Number.NaN, pushBackMs: Number.NaN, pickupMs: Number.NaN, skipped: String(err) };
  }
  const daemon = benchDaemon(`recovery-${channel}`, world.source, DEFAULT_TUNING, clock, seededRandom(7));
  let pushBackAt: number | null = null;
  try {
    daemon.loop.start();
    // Real time: a long poll is held from the start, so there is no idle stretch to skip.
    const deadline = Date.now() + 10_000;
    while (!world.source.pushHealthy()) {
      if (Date.now() > deadline) throw new Error(`push recovery: ${channel} not healthy at start`);
      await realSleep(5);
    }

    await world.down();
    await advanceUntil(daemon.loop, clock, () => !world.source.pushHealthy(), 60_000, 'push to notice the outage');
    await advanceFor(daemon.loop, clock, outageMs);

    await world.up();
    const returnedAt = clock.now();
    let firstAnswerAt: number | null = null;
    let addedAt: number | null = null;
    const seen = daemon.dispatches.length;
    // No skipping while the task is being added, nor for a real second after (a push is in flight then).
    let holdUntil = Number.POSITIVE_INFINITY;
    clock.setTimer(() => {
      addedAt = clock.now();
      void world.addTask('after the outage').then(() => {
        holdUntil = Date.now() + 1_000;
      });
    }, ADDED_AFTER_RETURN_MS);
    await advanceUntil(
      daemon.loop,
      clock,
      () => {
        if (firstAnswerAt === null && world.answeredSinceReturn() > 0) firstAnswerAt = clock.now();
        if (pushBackAt === null && world.source.pushHealthy()) pushBackAt = clock.now();
        return daemon.dispatches.length > seen && pushBackAt !== null;
      },
      10 * 60_000,
      'the task after the outage to start',
      () => addedAt !== null && Date.now() < holdUntil,
    );
    return {
      channel,
      outageMs,
      firstAnswerMs: (firstAnswerAt ?? Number.NaN) - returnedAt,
      pushBackMs: (pushBackAt ?? Number.NaN) - returnedAt,
      pickupMs: daemon.dispatches[seen]! - addedAt!,
    };
  } finally {
    await daemon.close();
    clock.dispose();
    await world.close();
  }
}

/**
 * Lets clock time pass until `done()` (checked after each real pause): real
 * time while anything may be in flight (a 20 ms pause after every step), and a
 * skip to the next timer whenever the loop only waits on one.
 */
async function advanceUntil(
  loop: Parameters<typeof untilWaiting>[0][number],
  clock: SkipAheadClock,
  done: () => boolean,
  maxMs: number,
  what: string,
  hold: () => boolean = () => false,
): Promise<void> {
  const end = clock.now() + maxMs;
  for (;;) {
    await realSleep(20);
    if (done()) return;
    await untilWaiting([loop], clock);
    if (done() || hold()) continue;
    const next = clock.nextTimerAt();
    if (next === undefined || next > end) throw new Error(`push recovery: no ${what} within ${maxMs / 1000} s of clock time`);
    clock.skipTo(next);
  }
}

async function advanceFor(loop: Parameters<typeof untilWaiting>[0][number], clock: SkipAheadClock, ms: number): Promise<void> {
  const end = clock.now() + ms;
  for (;;) {
    await realSleep(20);
    await untilWaiting([loop], clock);
    const next = clock.nextTimerAt();
    if (next === undefined || next >= end) {
      clock.skipTo(end);
      return;
    }
    clock.skipTo(next);
  }
}

async function httpWorld(channel: 'sse' | 'longpoll', clock: SkipAheadClock): Promise<World> {
  let server: TaskServer = await startTaskServer({ mode: channel });
  const port = Number(new URL(server.url).port);
  let returned = false;
  const config = sourceConfigSchema.parse({ kind: 'http', url: server.url, push: [channel] }) as HttpSourceConfig;
  const source = createHttpSource(config, {
    daemon: `recovery-${channel}`,
    clock,
    random: seededRandom(11),
    // The fixture's keepalives come in real time: skipped minutes must not look like a silent stream.
    eventStreamIdleMs: 24 * 60 * 60 * 1000,
  });
  const total = () => Object.values(server.counts()).reduce((sum, n) => sum + n, 0);
  return {
    source,
    answeredSinceReturn: () => (returned ? total() : 0),
    async down() {
      await server.close();
    },
    async up() {
      server = await startTaskServer({ mode: channel, port });
      returned = true;
    },
    async addTask(title) {
      server.addTask({ title });
    },
    // The loop's stop closed the source.
    async close() {
      await server.close();
    },
  };
}

async function postgresWorld(clock: SkipAheadClock): Promise<World> {
  const user = process.env.PGUSER ?? userInfo().username;
  const database = `nightshift_recovery_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({
    connectionString: `postgresql://${encodeURIComponent(user)}@/postgres?host=${encodeURIComponent(PG_SOCKET_DIR)}`,
    connectionTimeoutMillis: 3_000,
  });
  admin.on('error', () => {});
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  const proxy = await startPgProxy();
  const config = sourceConfigSchema.parse({
    kind: 'postgres',
    connectionString: proxy.url(database, user),
  }) as PostgresSourceConfig;
  const source = createPostgresSource(config, { daemon: 'recovery-listen', worker: 'recovery', clock, random: seededRandom(11) });
  await source.ready();
  const direct = `postgresql://${encodeURIComponent(user)}@/${encodeURIComponent(database)}?host=${encodeURIComponent(PG_SOCKET_DIR)}`;
  let connectionsAtReturn: number | null = null;
  return {
    source,
    // A connection the proxy let through after the return is one the server answered.
    answeredSinceReturn: () => (connectionsAtReturn === null ? 0 : proxy.connections - connectionsAtReturn),
    // Like a stopped server: the port refuses.
    async down() {
      await proxy.setRefusing(true);
    },
    async up() {
      connectionsAtReturn = proxy.connections;
      await proxy.setRefusing(false);
    },
    async addTask(title) {
      await enqueuePostgresTask(direct, { title, prompt: title }, config.schema);
    },
    async close() {
      await proxy.close();
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => {});
      await admin.end().catch(() => {});
    },
  };
}
