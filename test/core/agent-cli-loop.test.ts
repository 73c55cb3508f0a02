/**
 * A real agent CLI's whole story through the real loop: the fake `claude`
 * (replaying Claude Code's stream-json) hits a usage limit, the runtime pauses
 * until the reset (simulated clock), the same conversation resumes and
 * finishes; the reviewer rejects, the same conversation resumes with the
 * reason; the reviewer approves. Real processes, real SQLite, fake time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createHandlers } from '../../src-main/api/handlers';
import { FakeClock } from '../../src-main/core/clock';
import { parseConfig } from '../../src-main/core/config';
import { createSupervisor } from '../../src-main/core/create-supervisor';
import type { Supervisor } from '../../src-main/core/supervisor';
import { tempDirsPerTest } from '../support/temp-dir';

const tempDir = tempDirsPerTest();
const FAKE_CLAUDE = resolve(__dirname, '../fixtures/fake-clis/claude');
let sup: Supervisor | null = null;

afterEach(async () => {
  await sup?.stop({ agentGraceMs: 1_000 });
  sup = null;
});

/** Lets real processes run while simulated time moves in small steps. */
async function until(clock: FakeClock, what: string, probe: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await clock.advance(0);
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('usage limit → runtime paused → same conversation resumed after the reset → review reject → resumed with the reason → approved', async () => {
  const dir = tempDir();
  const cliLog = join(dir, 'claude.jsonl');
  const clock = new FakeClock();
  const { config } = parseConfig({
    daemons: [
      {
        name: 'claude',
        source: { kind: 'local', review: true },
        runtime: { kind: 'claude', binary: FAKE_CLAUDE, env: { HOME: dir, FAKE_CLI_LOG: cliLog } },
        maxConcurrent: 1,
        jitter: false,
      },
    ],
  });
  sup = await createSupervisor({ dataDir: join(dir, 'data'), config, clock });
  const api = createHandlers(sup);
  const resetAt = clock.now() + 60 * 60 * 1000;
  const task = await api.addTask({ prompt: `Refactor the parser ratelimit=${resetAt / 1000}` });
  const session = () => sup!.sessions.list({})[0];

  await until(clock, 'the usage limit', () => session()?.state === 'rate_limited');
  expect(session()!.resumeAfter).toBe(resetAt);
  expect(sup.snapshot().daemons[0]!.runtime.pausedUntil).toBe(resetAt);
  const conversation = session()!.resumeToken;
  expect(conversation).toMatch(/^[0-9a-f-]{36}$/);

  // Nothing happens before the reset; at the reset the conversation resumes.
  await clock.advance(resetAt - clock.now() - 1_000);
  expect(session()!.state).toBe('rate_limited');
  await clock.advance(1_000);
  await until(clock, 'review', () => session()?.state === 'in_review');
  expect((await api.listTasks({})).find((t) => t.id === task.id)!.result).toBe(
    `Resumed ${conversation}: continued and finished.`,
  );

  await api.rejectTask({ id: task.id, reason: 'the tests do not pass' });
  await until(clock, 'second review', () => session()?.state === 'in_review' && session()!.attempt === 3);
  await api.approveTask({ id: task.id });
  await until(clock, 'closed', () => session()?.state === 'closed');

  const runs = readFileSync(cliLog, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(runs.map((r) => r.resume)).toEqual([null, conversation, conversation]);
  expect(runs[1].prompt).toBe('Rate limit window has reset. Continue working on the task where you left off.');
  expect(runs[2].prompt).toBe(
    'Task rejected. Reason: the tests do not pass\n\nPlease fix the issues and submit for review again.',
  );
  const events = sup.sessions.events(session()!.id).map((e) => e.event);
  expect(events).toEqual([
    'created',
    'claimed',
    'rate_limited',
    'resumed',
    'agent_completed',
    'reported_review',
    'rejected',
    'agent_completed',
    'reported_review',
    'approved',
    'finished',
  ]);
});

it('a login that fails in the run gives the task back and pauses the runtime: probes on a 1 min doubling backoff, never failing a task', async () => {
  const dir = tempDir();
  const cliLog = join(dir, 'claude.jsonl');
  const clock = new FakeClock();
  const { config } = parseConfig({
    daemons: [
      {
        name: 'claude',
        source: { kind: 'local' },
        // `auth status` says logged in (an expired login looks so offline); the run says "Not logged in".
        // The login is broken for every run (env), resumes of the parked sessions included.
        runtime: {
          kind: 'claude',
          binary: FAKE_CLAUDE,
          env: { HOME: dir, FAKE_CLI_LOG: cliLog, FAKE_CLI_MODE: 'unauthenticated' },
        },
        maxConcurrent: 3,
        jitter: false,
      },
    ],
  });
  sup = await createSupervisor({ dataDir: join(dir, 'data'), config, clock });
  for (let i = 0; i < 3; i++) await createHandlers(sup).addTask({ prompt: `task ${i}` });
  const runs = () => (existsSync(cliLog) ? readFileSync(cliLog, 'utf8').trim().split('\n').length : 0);
  const daemon = () => sup!.snapshot().daemons[0]!;

  await until(clock, 'the runtime paused', () => daemon().runtime.pauseKind === 'environment');
  // (The first tick started all three before the first failed; each is given back.)
  await until(clock, 'tasks given back', async () =>
    (await createHandlers(sup!).listTasks({})).every((t) => t.status === 'todo'),
  );
  await until(clock, 'sessions closed', () => sup!.sessions.list({}).every((s) => s.state === 'closed'));
  const firstWave = runs();
  expect(firstWave).toBe(3);
  expect(daemon().runtime.pauseReason).toBe('Not logged in · Please run /login');
  // The fake clock has not moved: the first probe is 1 min after the failures.
  expect(daemon().runtime.pausedUntil).toBe(clock.now() + 60_000);

  // Before the probe time nothing runs; at it exactly one probe run; it fails: the next waits 2 min.
  await clock.advance(59_000);
  expect(runs()).toBe(firstWave);
  await clock.advance(1_000);
  await until(clock, 'the first probe', () => runs() === firstWave + 1 && daemon().runtime.pausedUntil !== null);
  expect(daemon().runtime.pausedUntil! - clock.now()).toBeGreaterThan(60_000);
  expect(daemon().runtime.pausedUntil! - clock.now()).toBeLessThanOrEqual(120_000);

  const tasks = await createHandlers(sup).listTasks({});
  expect(tasks.filter((t) => t.status === 'failed')).toEqual([]);
  expect(sup.sessions.list({}).every((s) => s.outcome === 'released')).toBe(true);
});

it('a missing CLI is unavailable with an install hint and gets no task', async () => {
  const dir = tempDir();
  const clock = new FakeClock();
  const { config } = parseConfig({
    daemons: [{ name: 'codex', source: { kind: 'local' }, runtime: { kind: 'codex', binary: join(dir, 'no-such-codex') } }],
  });
  sup = await createSupervisor({ dataDir: join(dir, 'data'), config, clock });
  await createHandlers(sup).addTask({ prompt: 'anything' });
  await until(clock, 'availability', () => sup!.snapshot().daemons[0]!.runtime.available === false);
  const daemon = sup.snapshot().daemons[0]!;
  // An absolute path is not searched on PATH: the message says what is wrong with it.
  expect(daemon.runtime.reason).toBe(`${join(dir, 'no-such-codex')}: no such file`);
  expect(daemon.runtime.pauseKind).toBe('environment');
  expect(daemon.blockedReason).toMatch(/^no runtime available/);
  expect((await createHandlers(sup).listTasks({}))[0]!.status).toBe('todo');
});
