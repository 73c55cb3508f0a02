/**
 * The crash-injection harness: N cycles of "add tasks, run, kill -9 at a
 * chosen moment, restart", then one drain run until every task is done, and
 * the accounting of what the crashes cost (crash-accounting.ts).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { seededRandom } from '../../../bench/support/simulated-daemon';
import { FAKE_AGENT, readAgentLog } from '../../cli/harness';
import { type CrashReport, type CycleRecord, settleAccounts } from './crash-accounting';
import { readDatabase } from './crash-database';
import { KILL_POINTS, type KillPoint, killAt } from './crash-kill-points';
import { type AgentProcess, type CrashableRun, findAgentProcesses, killAgentProcesses, spawnRun } from './crash-processes';
import { type CrashWorld, dbPathOf, type NewCrashTask } from './crash-worlds';

export interface CrashOptions {
  world: CrashWorld;
  /** A fresh directory: the data dir, config and agent log go in it. */
  dir: string;
  cycles: number;
  seed: number;
  maxConcurrent?: number;
  /** Kill points used in turn, cycle after cycle (default: all of them). */
  killPoints?: readonly KillPoint[];
  drainTimeoutMs?: number;
  log?: (line: string) => void;
}

/** How long an agent of a finished adopted run may take to vanish after its session left `active`. */
const LEFTOVER_GRACE_MS = 1_500;

/** Settle time after a kill, so that an agent spawned at the last moment has exec'd and shows its environment. */
const SETTLE_MS = 300;

export async function runCrashCycles(options: CrashOptions): Promise<CrashReport> {
  const { world, dir, cycles } = options;
  const log = options.log ?? (() => {});
  const random = seededRandom(options.seed);
  const dataDir = join(dir, 'data');
  const agentLog = join(dir, 'agents.jsonl');
  const dbPath = dbPathOf(dataDir);
  const config = await writeCrashConfig(dir, world, agentLog, options.maxConcurrent ?? 3);
  // Log level info: readiness is the "running N daemon(s)" info line.
  const runArgs = ['--config', config, '--data-dir', dataDir, '--log-level', 'info'];
  const started = Date.now();
  const enqueued: string[] = [];
  const records: CycleRecord[] = [];
  /** Agents of killed runs not yet seen checked by a restart that got through reconciliation. */
  let pendingDead: AgentProcess[] = [];
  let leftoverAgents = 0;

  /**
   * Agents of a killed run still alive once the restart is running are fine
   * only when their session was adopted (still `active`); any other gets a
   * moment (a finished adopted run's group is being ended) and then counts.
   */
  const checkLeftovers = async (): Promise<number> => {
    const groups = new Set(pendingDead.map((p) => p.pgid));
    const pids = new Set(pendingDead.map((p) => p.pid));
    pendingDead = [];
    const active = new Set(
      readDatabase(dbPath)
        .sessions.filter((s) => s.state === 'active')
        .map((s) => s.id),
    );
    const suspects = (await findAgentProcesses(agentLog)).filter(
      (p) => (groups.has(p.pgid) || pids.has(p.pid)) && !(p.sessionId && active.has(p.sessionId)),
    );
    if (suspects.length === 0) return 0;
    await new Promise((r) => setTimeout(r, LEFTOVER_GRACE_MS));
    const still = new Set((await findAgentProcesses(agentLog)).map((p) => p.pid));
    return suspects.filter((p) => still.has(p.pid)).length;
  };

  try {
    for (let cycle = 1; cycle <= cycles; cycle++) {
      const points = options.killPoints ?? KILL_POINTS;
      const point: KillPoint = points[(cycle - 1) % points.length]!;
      const tasks = makeTasks(cycle, 2 + Math.floor(random() * 3), random);
      const preCount = point === 'startup' ? tasks.length : Math.floor(random() * tasks.length);
      enqueued.push(...(await world.enqueue(tasks.slice(0, preCount), false)));

      const run: CrashableRun = spawnRun(runArgs);
      // Checked as soon as the restart reports running: reconciliation must have ended the dead run's agents by then.
      const leftoverCheck = run.ready.then((ok) => (ok ? checkLeftovers() : null));
      const kill = await killAt(point, {
        run,
        agentLog,
        walPath: `${dbPath}-wal`,
        random,
        enqueueLive: async () => {
          enqueued.push(...(await world.enqueue(tasks.slice(preCount), true)));
        },
      });
      const leftovers = await leftoverCheck;
      if (leftovers !== null) leftoverAgents += leftovers;

      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const dead = await findAgentProcesses(agentLog);
      const facts = readDatabase(dbPath);
      const openPids = facts.sessions.filter((s) => s.pid !== null && s.state !== 'closed' && s.state !== 'failed');
      pendingDead.push(...dead, ...openPids.map((s) => ({ pid: s.pid!, pgid: s.pid!, sessionId: s.id })));
      records.push({
        cycle,
        point,
        fellBack: kill.fellBack,
        missed: kill.missed,
        integrity: facts.integrity,
        agentsOrphaned: dead.length,
        leftoversAfterRestart: leftovers,
      });
      log(
        `[${world.kind}] cycle ${cycle}/${cycles}: kill ${point}${kill.fellBack ? ' (fallback)' : ''}${kill.missed ? ' (run already gone)' : ''}, ` +
          `${dead.length} orphaned agent process(es), leftovers from the previous crash ${leftovers ?? 'n/a'}, integrity ${facts.integrity}`,
      );
    }

    // Drain: one run until every task is done, then a graceful stop.
    const drain = spawnRun(runArgs);
    if (!(await drain.ready)) throw new Error(`the drain run did not start:\n${drain.stderr()}`);
    leftoverAgents += await checkLeftovers();
    const drainDeadline = Date.now() + (options.drainTimeoutMs ?? 120_000);
    let statuses = await world.statuses();
    while (Date.now() < drainDeadline && !enqueued.every((id) => statuses.get(id) === 'done')) {
      await new Promise((r) => setTimeout(r, 250));
      statuses = await world.statuses();
    }
    const runningAtDrainEnd = await findAgentProcesses(agentLog);
    const drainFacts = readDatabase(dbPath);
    drain.child.kill('SIGTERM');
    const drainExit = await drain.exited;
    // Nothing of any run may outlive the drain: every agent was adopted and ended, or killed.
    leftoverAgents += await waitForNoAgents(agentLog);
    const finalFacts = readDatabase(dbPath);
    log(`[${world.kind}] drained in ${Date.now() - started} ms total; drain run exited ${drainExit.code}`);

    return settleAccounts({
      kind: world.kind,
      seed: options.seed,
      cycles: records,
      enqueued,
      statuses: await world.statuses(),
      sessionsAtDrainEnd: drainFacts.sessions,
      runningAtDrainEnd,
      finalSessions: finalFacts.sessions,
      finalIntegrity: finalFacts.integrity,
      drainExitCode: drainExit.code,
      agentEvents: readAgentLog(agentLog),
      reports: world.reports?.(),
      leftoverAgents,
      elapsedMs: Date.now() - started,
    });
  } finally {
    await killAgentProcesses(agentLog);
  }
}

async function waitForNoAgents(agentLog: string): Promise<number> {
  const deadline = Date.now() + 3_000;
  let live = await findAgentProcesses(agentLog);
  while (live.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    live = await findAgentProcesses(agentLog);
  }
  return live.length;
}

function makeTasks(cycle: number, count: number, random: () => number): NewCrashTask[] {
  return Array.from({ length: count }, (_, i) => {
    const sleep = 100 + Math.floor(random() * 1_400);
    // Some agents leave a grandchild in their process group: a restart must kill the whole group.
    const grandchild = random() < 0.2 ? ' spawn-grandchild' : '';
    return { title: `c${cycle}-t${i}`, prompt: `crash cycle ${cycle} task ${i} sleep=${sleep}${grandchild}` };
  });
}

async function writeCrashConfig(dir: string, world: CrashWorld, agentLog: string, maxConcurrent: number): Promise<string> {
  const path = join(dir, 'nightshift.json');
  const config = {
    daemons: [
      {
        name: `crash-${world.kind}`,
        source: world.sourceConfig,
        runtime: {
          kind: 'command',
          command: [process.execPath, FAKE_AGENT],
          promptVia: 'stdin',
          env: { FAKE_AGENT_LOG: agentLog },
        },
        maxConcurrent,
        pollIntervalMs: 200,
        maxIdleBackoffMs: 1_000,
        jitter: false,
      },
    ],
  };
  await writeFile(path, JSON.stringify(config, null, 2));
  return path;
}
