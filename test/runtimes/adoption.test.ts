/**
 * Adoption of runs a crashed runner left, with real processes: the test
 * spawns the agent wrapper itself and then forgets it (exactly what a kill -9
 * of the runner leaves: a detached wrapper nobody holds a pipe to), and a
 * fresh runtime adopts it from its run folder.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SessionRow } from '@shared/sessions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src-main/core/clock';
import { silentLogger } from '../../src-main/core/log';
import { RuntimePool } from '../../src-main/core/pool';
import { reconcileRuns } from '../../src-main/core/reconcile';
import { buildAgentEnv } from '../../src-main/core/runtimes/agent-env';
import { RUN_FILES, wrapperArgv, wrapperStdin } from '../../src-main/core/runtimes/agent-wrapper';
import { createCommandRuntime } from '../../src-main/core/runtimes/command';
import type { AgentEvent } from '../../src-main/core/runtimes/port';
import { isSameProcess } from '../../src-main/core/runtimes/process-identity';
import { readExitRecord, readWrapperRecord, runDirOf } from '../../src-main/core/runtimes/run-folder';
import { SessionStore } from '../../src-main/core/sessions/session-store';
import { openDatabase } from '../../src-main/core/store/db';
import { FAKE_AGENT, isLive, tempDir } from './helpers';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ path: dir, cleanup } = await tempDir('ns-adopt-'));
});
afterEach(() => cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the fixture agent under the wrapper, as the pool would, and lets go of it. */
async function orphanedRun(runDir: string, prompt: string, agentLog: string) {
  const env = { ...buildAgentEnv({ taskId: 't_1', sessionId: 's_1' }), FAKE_AGENT_LOG: agentLog };
  const [program, ...args] = wrapperArgv(runDir, 1_000, prompt, [process.execPath, FAKE_AGENT]);
  const child = spawn(program!, args, { cwd: dir, env, detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  child.stdin.end(wrapperStdin(prompt));
  child.unref();
  for (let i = 0; i < 200; i++) {
    const record = await readWrapperRecord(runDir);
    if (record) return record;
    await sleep(20);
  }
  throw new Error('the wrapper never wrote its record');
}

async function agentStarts(agentLog: string): Promise<number> {
  const text = await readFile(agentLog, 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l.includes('"event":"start"')).length;
}

const runtime = () =>
  createCommandRuntime(
    { kind: 'command', command: [process.execPath, FAKE_AGENT], promptVia: 'stdin', timeoutMs: 60_000 } as never,
    {
      stopGraceMs: 500,
    },
  );

describe('agent wrapper and adoption (real processes)', () => {
  it('an agent that finished while nobody watched is adopted: its result comes from its files, it is not run again', async () => {
    const runDir = join(dir, 'runs', 's_1', '1');
    const agentLog = join(dir, 'agents.jsonl');
    const record = await orphanedRun(runDir, 'fix the bug sleep=50', agentLog);
    for (let i = 0; i < 200 && !(await readExitRecord(runDir)); i++) await sleep(20);
    expect(await readExitRecord(runDir)).toEqual({ code: 0, signal: null });

    const events: AgentEvent[] = [];
    const handle = runtime().adopt!({
      sessionId: 's_1',
      runDir,
      ...record,
      resumeToken: null,
      logPath: join(dir, 's_1.log'),
      onEvent: (e) => events.push(e),
    });
    const outcome = await handle.done;
    expect(outcome).toMatchObject({ kind: 'completed' });
    expect(outcome.kind === 'completed' && outcome.summary).toContain('working on: fix the bug sleep=50 (3/3)');
    expect(events.filter((e) => e.type === 'output')).toHaveLength(4);
    expect(await agentStarts(agentLog)).toBe(1);
  });

  it('an agent still running is followed to its end, and its exit status is the one it recorded', async () => {
    const runDir = join(dir, 'runs', 's_1', '1');
    const agentLog = join(dir, 'agents.jsonl');
    const record = await orphanedRun(runDir, 'long job sleep=1500 exit=3 fail-message=broken', agentLog);
    expect(await isSameProcess(record.pid, record.startTime)).toBe(true);
    expect(await readExitRecord(runDir)).toBeNull();

    const events: AgentEvent[] = [];
    const handle = runtime().adopt!({
      sessionId: 's_1',
      runDir,
      ...record,
      resumeToken: null,
      logPath: join(dir, 's_1.log'),
      onEvent: (e) => events.push(e),
    });
    const outcome = await handle.done;
    expect(outcome).toEqual({ kind: 'failed', error: 'broken\n(exit code 3)' });
    expect(events.some((e) => e.type === 'output' && e.line.includes('(3/3)'))).toBe(true);
    expect(await agentStarts(agentLog)).toBe(1);
    expect(await isLive(record.pid)).toBe(false);
    const log = await readFile(join(dir, 's_1.log'), 'utf8');
    expect(log).toContain('adopted by a restarted Nightshift');
  });

  it('stopping an adopted run ends its whole process group', async () => {
    const runDir = join(dir, 'runs', 's_1', '1');
    const record = await orphanedRun(runDir, 'spawn-grandchild sleep=60000', join(dir, 'agents.jsonl'));
    const events: AgentEvent[] = [];
    const handle = runtime().adopt!({
      sessionId: 's_1',
      runDir,
      ...record,
      resumeToken: null,
      logPath: join(dir, 's_1.log'),
      onEvent: (e) => events.push(e),
    });
    for (let i = 0; i < 250 && !events.some((e) => e.type === 'output' && e.line.startsWith('grandchild pid=')); i++)
      await sleep(20);
    const line = events.find((e) => e.type === 'output' && e.line.startsWith('grandchild pid='));
    const grandchild = Number(line?.type === 'output' ? line.line.split('=')[1] : 0);
    expect(await isLive(grandchild)).toBe(true);
    await handle.stop('timeout');
    expect(await handle.done).toEqual({ kind: 'stopped', reason: 'timeout' });
    expect(await isLive(record.pid)).toBe(false);
    expect(await isLive(grandchild)).toBe(false);
  });

  it('a wrapper given half a prompt (the runner died while handing it over) starts nothing and leaves no record', async () => {
    const runDir = join(dir, 'runs', 's_1', '1');
    const agentLog = join(dir, 'agents.jsonl');
    const [program, ...args] = wrapperArgv(runDir, 1_000, 'the whole prompt sleep=10', [process.execPath, FAKE_AGENT]);
    const child = spawn(program!, args, {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', FAKE_AGENT_LOG: agentLog },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    child.stdin.end('the whole');
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(125);
    expect(await readWrapperRecord(runDir)).toBeNull();
    expect(await readExitRecord(runDir)).toBeNull();
    expect(await agentStarts(agentLog)).toBe(0);
  });
});

describe('reconcileRuns: adopt what can be adopted, kill only what cannot', () => {
  const session = (id: string, state: SessionRow['state'], attempt = 1): SessionRow =>
    ({ id, daemon: 'd', taskId: `t-${id}`, state, attempt, pid: null }) as unknown as SessionRow;

  it('adopts an active session whose wrapper is the started process, kills one whose session is gone, and never kills a pid whose start time differs', async () => {
    const runsDir = join(dir, 'runs');
    const agentLog = join(dir, 'agents.jsonl');
    const adoptable = await orphanedRun(runDirOf(runsDir, 's_live', 1), 'a sleep=20000', agentLog);
    const orphan = await orphanedRun(runDirOf(runsDir, 's_gone', 1), 'b sleep=20000', agentLog);
    // A run folder whose recorded start time is not the live process's: a reused pid must not be killed.
    const impostorDir = runDirOf(runsDir, 's_reused', 1);
    await mkdir(impostorDir, { recursive: true });
    const bystander = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore', detached: true });
    await writeFile(join(impostorDir, RUN_FILES.wrapper), JSON.stringify({ pid: bystander.pid, startTime: '1', startedAt: 0 }));
    try {
      const result = await reconcileRuns({
        runsDir,
        openSessions: [session('s_live', 'active'), session('s_reused', 'interrupted')],
        canAdopt: () => true,
        logger: silentLogger,
      });
      expect(result.adopt.map((a) => [a.session.id, a.run.pid])).toEqual([['s_live', adoptable.pid]]);
      expect(result.killed).toContain(orphan.pid);
      expect(await isLive(adoptable.pid)).toBe(true);
      expect(await isLive(orphan.pid)).toBe(false);
      expect(await isLive(bystander.pid!)).toBe(true);
    } finally {
      for (const pid of [adoptable.pid, bystander.pid!]) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {}
      }
    }
  });

  it('a session moved past `active` (or another attempt) is not adopted even when its run finished', async () => {
    const runsDir = join(dir, 'runs');
    await orphanedRun(runDirOf(runsDir, 's_old', 1), 'done sleep=10', join(dir, 'agents.jsonl'));
    for (let i = 0; i < 200 && !(await readExitRecord(runDirOf(runsDir, 's_old', 1))); i++) await sleep(20);
    const result = await reconcileRuns({
      runsDir,
      openSessions: [session('s_old', 'active', 2)],
      canAdopt: () => true,
      logger: silentLogger,
    });
    expect(result.adopt).toEqual([]);
    expect(await readWrapperRecord(runDirOf(runsDir, 's_old', 1))).toBeNull(); // folder removed
  });
});

describe('RuntimePool.adopt', () => {
  it('counts the adopted run in the pool and enforces only what is left of its timeout', async () => {
    const db = openDatabase(join(dir, 'nightshift.db'));
    const clock = new FakeClock(100_000);
    const sessions = new SessionStore(db, () => clock.now());
    const row = sessions.create({ daemon: 'd', taskId: 't_1', taskTitle: 't', runtime: 'command' });
    const active = sessions.transition(row.id, 'claimed');
    const runDir = runDirOf(join(dir, 'runs'), row.id, 1);
    const record = await orphanedRun(runDir, 'slow sleep=60000', join(dir, 'agents.jsonl'));
    const exits: string[] = [];
    const pool = new RuntimePool({
      daemon: 'd',
      runtime: runtime(), // timeout 60 s
      sessions,
      clock,
      logger: silentLogger,
      logDir: join(dir, 'logs'),
      onAgentEvent() {},
      onExit: (_run, outcome) => exits.push(outcome.kind === 'stopped' ? outcome.reason : outcome.kind),
    });
    // Started 50 s ago by the crashed runner's clock: 10 s of its 60 s timeout are left.
    pool.adopt(active, { runDir, pid: record.pid, startTime: record.startTime, startedAt: clock.now() - 50_000 });
    expect(pool.activeCount).toBe(1);
    expect(sessions.require(row.id).pid).toBe(record.pid);
    expect(clock.nextTimerAt()).toBe(clock.now() + 10_000);
    await clock.advance(10_000);
    for (let i = 0; i < 250 && exits.length === 0; i++) await sleep(20);
    expect(exits).toEqual(['timeout']);
    expect(pool.activeCount).toBe(0);
    expect(await isLive(record.pid)).toBe(false);
    db.close();
  });
});
