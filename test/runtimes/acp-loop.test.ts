/**
 * The acp runtime through the real daemon loop (real SQLite, real child
 * processes, simulated time), with the stand-in ACP agent: the agent's tool
 * calls, permission decisions and messages land in the session timeline;
 * a rate limit pauses the runtime and the same ACP session is loaded again
 * at the reset.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createHandlers } from '../../src-main/api/handlers';
import { FakeClock } from '../../src-main/core/clock';
import { parseConfig } from '../../src-main/core/config';
import { createSupervisor } from '../../src-main/core/create-supervisor';
import type { Supervisor } from '../../src-main/core/supervisor';
import { tempDirsPerTest } from '../support/temp-dir';
import { FIXTURES, readJsonLines } from './helpers';

const tempDir = tempDirsPerTest();
const FAKE_ACP = join(FIXTURES, 'fake-acp-agent.mjs');
let sup: Supervisor | null = null;

afterEach(async () => {
  await sup?.stop({ agentGraceMs: 1_000 });
  sup = null;
});

async function until(clock: FakeClock, what: string, probe: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await clock.advance(0);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function start(dir: string, clock: FakeClock): Promise<Supervisor> {
  const { config } = parseConfig({
    daemons: [
      {
        name: 'acp',
        source: { kind: 'local' },
        runtime: { kind: 'acp', binary: FAKE_ACP, env: { HOME: dir, FAKE_ACP_LOG: join(dir, 'acp.jsonl') } },
        jitter: false,
      },
    ],
  });
  return createSupervisor({ dataDir: join(dir, 'data'), config, clock });
}

it('acp: tool calls, permission decisions and messages are in the session timeline; the task is done', async () => {
  const dir = tempDir();
  const clock = new FakeClock();
  sup = await start(dir, clock);
  const outside = join(dir, 'outside.txt');
  const task = await createHandlers(sup).addTask({ prompt: `Update the notes edit=notes.md outside=${outside}` });
  const session = () => sup!.sessions.list({})[0];
  await until(clock, 'done', () => session()?.state === 'closed');

  expect((await createHandlers(sup).listTasks({})).find((t) => t.id === task.id)).toMatchObject({
    status: 'done',
    result: `Done: Update the notes edit=notes.md outside=${outside}`,
  });
  expect(existsSync(outside)).toBe(false);
  const timeline = sup.sessions.events(session()!.id).map((e) => `${e.event}${e.detail ? `: ${e.detail}` : ''}`);
  const workspaceFile = (await readJsonLines<{ permission?: string; path?: string }>(join(dir, 'acp.jsonl'))).find(
    (l) => l.permission === 'Edit notes.md',
  )!.path;
  expect(timeline).toEqual([
    'created',
    'claimed',
    'agent_message: Looking at the task.',
    `agent_tool_call: edit: Edit notes.md (${workspaceFile})`,
    `agent_permission: approved edit "Edit notes.md" on ${workspaceFile}`,
    'agent_tool_call: Edit notes.md: completed',
    `agent_tool_call: edit: Edit ${outside} (${outside})`,
    `agent_permission: refused edit "Edit ${outside}" on ${outside}: ${outside} is outside the workspace`,
    `agent_tool_call: Edit ${outside}: failed`,
    `agent_message: Done: Update the notes edit=notes.md outside=${outside}`,
    expect.stringMatching(/^agent_completed/),
    expect.stringMatching(/^finished/),
  ]);
});

it('acp: a rate limit pauses the runtime; at the reset the same ACP session is loaded and finishes', async () => {
  const dir = tempDir();
  const clock = new FakeClock();
  sup = await start(dir, clock);
  const task = await createHandlers(sup).addTask({ prompt: 'Refactor ratelimit' });
  const session = () => sup!.sessions.list({})[0];

  await until(clock, 'the rate limit', () => session()?.state === 'rate_limited');
  const resetAt = session()!.resumeAfter!;
  expect(resetAt).toBe(clock.now() + 2 * 3600_000);
  expect(sup.snapshot().daemons[0]!.runtime.pausedUntil).toBe(resetAt);
  const acpSession = session()!.resumeToken;
  expect(acpSession).toMatch(/^[0-9a-f-]{36}$/);

  await clock.advance(resetAt - clock.now());
  await until(clock, 'done', () => session()?.state === 'closed');
  const done = (await createHandlers(sup).listTasks({})).find((t) => t.id === task.id)!;
  expect(done.status).toBe('done');
  expect(done.result).toMatch(new RegExp(`^Resumed ${acpSession} after 0 turn\\(s\\): `));
  const methods = (await readJsonLines<{ method?: string; sessionId?: string }>(join(dir, 'acp.jsonl'))).filter((l) =>
    l.method?.startsWith('session/'),
  );
  expect(methods.map((m) => m.method)).toEqual(['session/new', 'session/prompt', 'session/load', 'session/prompt']);
  expect(methods[2]!.sessionId).toBe(acpSession);
});

it('acp: an agent that requires authentication gives the task back and pauses the runtime; no task fails', async () => {
  const dir = tempDir();
  const clock = new FakeClock();
  const { config } = parseConfig({
    daemons: [
      {
        name: 'acp',
        source: { kind: 'local' },
        runtime: { kind: 'acp', binary: FAKE_ACP, env: { HOME: dir, FAKE_ACP_MODE: 'unauthenticated' } },
        jitter: false,
      },
    ],
  });
  sup = await createSupervisor({ dataDir: join(dir, 'data'), config, clock });
  await createHandlers(sup).addTask({ prompt: 'Anything' });
  const daemon = () => sup!.snapshot().daemons[0]!;

  await until(clock, 'the runtime paused', () => daemon().runtime.pauseKind === 'environment');
  await until(clock, 'the session closed', () => sup!.sessions.list({})[0]?.state === 'closed');
  expect(daemon().runtime.pauseReason).toBe('Authentication required: not logged in');
  expect(sup.sessions.list({})[0]!.outcome).toBe('released');
  const [task] = await createHandlers(sup).listTasks({});
  expect(task!.status).toBe('todo');
});
