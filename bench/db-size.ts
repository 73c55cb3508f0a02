/**
 * Database size after 30 simulated days: 5 real DaemonLoops on one real
 * SQLite file, on a FakeClock, with a realistic mix:
 *   - each daemon polls without push (the worst case for tick rows: a plain
 *     HTTP source ticks at the idle curve, 10 s × 1.5 → 120 s, all day);
 *   - 50 tasks a day arrive at random times on random daemons, with prompts of
 *     300–3000 characters; each run lasts 5–45 simulated minutes, prints 40–200
 *     lines of 40–200 characters and ends with a 200–1500 character summary
 *     (1 in 10 fails);
 *   - pruning as the Supervisor does it, every hour: TickLog.prune(now) (7 days
 *     of ticks), SessionStore.pruneEnded and LocalTaskQueue.pruneFinished (30 days).
 * Sizes are taken after a TRUNCATE checkpoint, so the WAL is folded in.
 *
 *   npx tsx bench/db-size.ts [--days 30] [--tasks-per-day 50]
 */
import { statSync } from 'node:fs';
import type { LoopTuning } from '../src-main/core/loop/daemon-loop';
import type { Db } from '../src-main/core/store/db';
import { PRUNE_EVERY_MS, SESSION_RETENTION_MS } from '../src-main/core/supervisor';
import { numberArg, ratio, reportTarget } from './support/bench-results';
import { createFleet, type ScriptedRun } from './support/fleet';
import { pollOnly, printTable, seededRandom } from './support/simulated-daemon';

const TARGET_MB = 50;
const DAYS = numberArg('days', 30);
const TASKS_PER_DAY = numberArg('tasks-per-day', 50);
const DAEMONS = 5;
const DAY = 24 * 60 * 60 * 1000;
const MINUTE = 60_000;
const SAMPLE_DAYS = new Set([1, 7, 14, DAYS]);

const TUNING: LoopTuning = { pollIntervalMs: 10_000, maxIdleBackoffMs: 120_000, maxConcurrent: 2, jitter: true };

const random = seededRandom(30);
const between = (lo: number, hi: number) => Math.floor(lo + random() * (hi - lo + 1));
const WORDS = 'the test flaky module refactor api handler parse error fix update config retry cache build lint type'.split(' ');
const text = (chars: number) => {
  let out = '';
  while (out.length < chars) out += `${WORDS[between(0, WORDS.length - 1)]} `;
  return out.slice(0, chars);
};

interface SizeSample {
  day: number;
  bytes: number;
  freePages: number;
  rows: Record<string, number>;
}

const TABLES = ['ticks', 'request_counts', 'sessions', 'session_events', 'tasks'] as const;

function sample(db: Db, path: string, day: number): SizeSample {
  db.pragma('wal_checkpoint(TRUNCATE)');
  const rows: Record<string, number> = {};
  for (const t of TABLES) rows[t] = (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
  return { day, bytes: statSync(path).size, freePages: db.pragma('freelist_count', { simple: true }) as number, rows };
}

/** Bytes per table and index, when SQLite was built with the dbstat table (better-sqlite3 is). */
function bytesByTable(db: Db): [string, number][] {
  try {
    const rows = db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC').all() as {
      name: string;
      bytes: number;
    }[];
    return rows.map((r) => [r.name, r.bytes]);
  } catch {
    return [];
  }
}

/** A run: output lines as it works, then an outcome after 5–45 simulated minutes. */
function scriptRun(run: ScriptedRun, setTimer: (fn: () => void, ms: number) => void): void {
  const lines = between(40, 200);
  for (let i = 0; i < lines; i++) run.spec.onEvent({ type: 'output', stream: 'stdout', line: text(between(40, 200)) });
  const fails = random() < 0.1;
  setTimer(
    () =>
      run.finish(
        fails
          ? { kind: 'failed', error: `exit code 1: ${text(between(100, 400))}` }
          : { kind: 'completed', summary: text(between(200, 1500)) },
      ),
    between(5, 45) * MINUTE,
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  let clockRef: { setTimer(fn: () => void, ms: number): unknown } | null = null;
  const fleet = createFleet({
    daemons: DAEMONS,
    tuning: TUNING,
    random: seededRandom(5),
    wrapSource: pollOnly,
    onAgentStart: (_i, run) => scriptRun(run, (fn, ms) => clockRef!.setTimer(fn, ms)),
  });
  clockRef = fleet.clock;
  const { clock, db, queue } = fleet;
  try {
    const prune = () => {
      fleet.ticks.prune(clock.now());
      fleet.sessions.pruneEnded(clock.now() - SESSION_RETENTION_MS);
      queue.pruneFinished(clock.now() - SESSION_RETENTION_MS);
      clock.setTimer(prune, PRUNE_EVERY_MS);
    };
    prune();
    for (const d of fleet.daemons) d.loop.start();

    const samples: SizeSample[] = [];
    for (let day = 1; day <= DAYS; day++) {
      const dayEnd = clock.now() + DAY;
      const arrivals = Array.from({ length: TASKS_PER_DAY }, () => random() * DAY).sort((a, b) => a - b);
      for (const offset of arrivals) {
        await clock.advance(Math.max(0, dayEnd - DAY + offset - clock.now()));
        const prompt = text(between(300, 3000));
        queue.add({ queue: `q${between(0, DAEMONS - 1)}`, title: prompt.slice(0, 60), prompt });
      }
      await clock.advance(dayEnd - clock.now());
      if (SAMPLE_DAYS.has(day)) samples.push(sample(db, fleet.dbPath, day));
    }

    const openSessions = (
      db.prepare(`SELECT COUNT(*) AS n FROM sessions WHERE state NOT IN ('closed','failed')`).get() as { n: number }
    ).n;
    const mb = (b: number) => (b / 1024 / 1024).toFixed(2);
    const first = samples[0]!;
    printTable(
      `Database size, ${DAEMONS} polling daemons, ${TASKS_PER_DAY} tasks/day, hourly pruning (simulated ${DAYS} days)`,
      ['day', 'file MB', 'vs day 1', 'free pages', ...TABLES.map((t) => `${t} rows`)],
      samples.map((s) => [s.day, mb(s.bytes), ratio(s.bytes, first.bytes), s.freePages, ...TABLES.map((t) => s.rows[t]!)]),
    );
    const byTable = bytesByTable(db);
    if (byTable.length > 0) {
      const total = byTable.reduce((a, [, b]) => a + b, 0);
      printTable(
        `Where the bytes are on day ${DAYS} (dbstat)`,
        ['table or index', 'MB', 'share'],
        byTable.slice(0, 10).map(([name, bytes]) => [name, mb(bytes), `${((bytes / total) * 100).toFixed(1)} %`]),
      );
    }
    console.log(
      `(${openSessions} sessions still open at the end; simulated ${DAYS} days in ${((performance.now() - started) / 1000).toFixed(1)} s; agent log files are outside the database and not counted)`,
    );
    const last = samples.at(-1)!;
    const tasksBytes = byTable.find(([name]) => name === 'tasks')?.[1] ?? 0;
    const met = last.bytes / 1024 / 1024 <= TARGET_MB;
    reportTarget({
      name: `database size after ${DAYS} simulated days`,
      target: `≤ ${TARGET_MB} MB`,
      measured: `${mb(last.bytes)} MB`,
      met,
      // Sessions and finished tasks both level off at the 30-day retention.
      ...(met ? {} : { note: `see the dbstat table (tasks: ${mb(tasksBytes)} MB): the largest table is the one to bound` }),
    });
  } finally {
    await fleet.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
