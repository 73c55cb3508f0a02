/**
 * A task given back after an environment failure keeps its agent session:
 * the next run resumes the agent's conversation in the same workspace. Real
 * child processes (the fake `claude`, the SDK stand-in ACP agent), real
 * SQLite, simulated time. The fake claude's login is broken and repaired
 * between runs through FAKE_CLI_MODE_FILE.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createHandlers } from '../../src-main/api/handlers';
import { FakeClock } from '../../src-main/core/clock';
import { parseConfig } from '../../src-main/core/config';
import { createSupervisor } from '../../src-main/core/create-supervisor';
import { PARKED_RESUME_PROMPT } from '../../src-main/core/loop/context';
import type { Supervisor } from '../../src-main/core/supervisor';
import { tempDirsPerTest } from '../support/temp-dir';

const tempDir = tempDirsPerTest();
const FAKE_CLAUDE = resolve(__dirname, '../fixtures/fake-clis/claude');
const FAKE_ACP = resolve(__dirname, '../fixtures/fake-acp-agent.mjs');
let sup: Supervisor | null = null;

afterEach(async () => {
  await sup?.stop({ agentGraceMs: 1_000 });
  sup = null;
});

async function until(clock: FakeClock, what: string, probe: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await clock.advance(0);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Invocation {
  cwd: string;
  files: string[];
  prompt: string;
  resume: string | null;
}
const invocations = (log: string): Invocation[] =>
  existsSync(log)
    ? readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Invocation)
    : [];

async function claudeWithBrokenLogin(dir: string, clock: FakeClock) {
  const cliLog = join(dir, 'claude.jsonl');
  const modeFile = join(dir, 'login');
  writeFileSync(modeFile, 'unauthenticated');
  const { config } = parseConfig({
    daemons: [
      {
        name: 'claude',
        source: { kind: 'local' },
        runtime: { kind: 'claude', binary: FAKE_CLAUDE, env: { HOME: dir, FAKE_CLI_LOG: cliLog, FAKE_CLI_MODE_FILE: modeFile } },
        jitter: false,
      },
    ],
  });
  sup = await createSupervisor({ dataDir: join(dir, 'data'), config, clock });
  const s = sup;
  await createHandlers(s).addTask({ prompt: 'Fix the parser touch=progress.txt' });
  const daemon = () => s.snapshot().daemons[0]!;
  await until(clock, 'the runtime paused', () => daemon().runtime.pauseKind === 'environment');
  await until(clock, 'the session closed', () => s.sessions.list({})[0]?.state === 'closed');
  const [given] = s.sessions.list({});
  return { s, cliLog, modeFile, given: given!, daemon };
}

it('claude logged out mid-task: the task goes back with its session parked; once the login works the next run resumes that conversation in the same workspace', async () => {
  const dir = tempDir();
  const clock = new FakeClock();
  const { s, cliLog, modeFile, given } = await claudeWithBrokenLogin(dir, clock);
  // Given back, not failed: the task waits in the queue, its agent session and workspace kept.
  expect(given).toMatchObject({ outcome: 'released', attempt: 1 });
  expect(given.resumeToken).toMatch(/^[0-9a-f-]{36}$/);
  expect((await createHandlers(s).listTasks({}))[0]!.status).toBe('todo');
  expect(s.sessions.events(given.id).map((e) => e.event)).toContain('parked');
  const [first] = invocations(cliLog);
  expect(existsSync(join(first!.cwd, 'progress.txt'))).toBe(true);

  writeFileSync(modeFile, 'ok');
  await clock.advance(60_000); // the probe
  await until(clock, 'the task done', async () => (await createHandlers(s).listTasks({}))[0]!.status === 'done');

  const [, second] = invocations(cliLog);
  expect(second).toMatchObject({ resume: given.resumeToken, cwd: first!.cwd, prompt: PARKED_RESUME_PROMPT });
  expect(second!.files).toContain('progress.txt'); // the first run's work is there
  const next = s.sessions.list({}).find((x) => x.id !== given.id)!;
  expect(next).toMatchObject({ outcome: 'done', resumeToken: given.resumeToken, attempt: 1 });
  expect(next.result).toBe(`Resumed ${given.resumeToken}: continued and finished.`);
  // Taken over once: the old session is no longer parked, and only the new one owned the workspace's cleanup.
  expect(s.sessions.parked.has(given.id)).toBe(false);
  expect(s.sessions.events(next.id)[1]!.detail).toBe(`continues ${given.id}: agent session ${given.resumeToken}, same workspace`);
});

it('the CLI no longer knows the parked session: the next run starts over with the task, still in the same workspace', async () => {
  const dir = tempDir();
  const clock = new FakeClock();
  const { s, cliLog, modeFile, given } = await claudeWithBrokenLogin(dir, clock);
  rmSync(join(dir, '.fake-claude', 'sessions', given.resumeToken!)); // as if the CLI's history was cleared
  writeFileSync(modeFile, 'ok');
  await clock.advance(60_000);
  await until(clock, 'the task done', async () => (await createHandlers(s).listTasks({}))[0]!.status === 'done');

  const [first, resumed, fresh] = invocations(cliLog);
  expect(resumed).toMatchObject({ resume: given.resumeToken, cwd: first!.cwd });
  // Refused ("No conversation found"), then a fresh start with the task and the continuation.
  expect(fresh).toMatchObject({
    resume: null,
    cwd: first!.cwd,
    prompt: `Fix the parser touch=progress.txt\n\n${PARKED_RESUME_PROMPT}`,
  });
  expect(s.sessions.list({}).find((x) => x.id !== given.id)).toMatchObject({ outcome: 'done' });
});

it('acp: a turn stalled on the network is given back; the next run loads the same ACP session (session/load) in the same workspace', async () => {
  const dir = tempDir();
  const clock = new FakeClock();
  const acpLog = join(dir, 'acp.jsonl');
  const { config } = parseConfig({
    daemons: [
      {
        name: 'acp',
        source: { kind: 'local' },
        runtime: { kind: 'acp', binary: FAKE_ACP, stallMs: 60_000, env: { HOME: dir, FAKE_ACP_LOG: acpLog } },
        jitter: false,
      },
    ],
  });
  sup = await createSupervisor({ dataDir: join(dir, 'data'), config, clock });
  const s = sup;
  await createHandlers(s).addTask({ prompt: 'Port the module offline' });
  const calls = () =>
    existsSync(acpLog)
      ? readFileSync(acpLog, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { method?: string; sessionId?: string; cwd?: string; text?: string })
          .filter((c) => c.method?.startsWith('session/'))
      : [];
  const log = () => s.sessions.list({})[0]?.logPath ?? '';
  await until(clock, 'the agent reconnecting', () => existsSync(log()) && readFileSync(log(), 'utf8').includes('Reconnecting'));
  await clock.advance(60_000); // no progress for stallMs
  await until(clock, 'the session given back', () => s.sessions.list({})[0]?.state === 'closed');
  const [given] = s.sessions.list({});
  expect(given).toMatchObject({ outcome: 'released' });
  expect(s.snapshot().daemons[0]!.runtime.pauseReason).toMatch(/Reconnecting.*no progress, stopped/);

  await clock.advance(60_000); // the probe
  await until(clock, 'the task done', async () => (await createHandlers(s).listTasks({}))[0]!.status === 'done');
  const [created, , loaded, prompt] = calls();
  expect(calls().map((c) => c.method)).toEqual(['session/new', 'session/prompt', 'session/load', 'session/prompt']);
  expect(loaded).toMatchObject({ sessionId: created!.sessionId, cwd: created!.cwd });
  expect(prompt).toMatchObject({ sessionId: created!.sessionId, text: PARKED_RESUME_PROMPT });
});

it('a parked session whose task was cancelled meanwhile is dropped: its workspace is cleaned, nothing resumes it', async () => {
  const dir = tempDir();
  const clock = new FakeClock();
  const { s, cliLog, given } = await claudeWithBrokenLogin(dir, clock);
  const [first] = invocations(cliLog);
  expect(existsSync(first!.cwd)).toBe(true);
  const [task] = await createHandlers(s).listTasks({});
  await createHandlers(s).cancelTask({ id: task!.id });

  await clock.advance(60_000); // the probe step looks at the queue: the task is not waiting any more
  await until(clock, 'the parked session dropped', () => !s.sessions.parked.has(given.id));
  expect(s.sessions.events(given.id).at(-1)).toMatchObject({ event: 'unparked', detail: 'task is cancelled' });
  expect(existsSync(first!.cwd)).toBe(false);
  expect(invocations(cliLog)).toHaveLength(1);
});
