/**
 * The acp runtime against a stand-in ACP agent (test/fixtures/fake-acp-agent.mjs,
 * written with the SDK's agent side) as a real child process: a whole turn
 * with permission requests inside and outside the workspace, resume through
 * session/load, and the ways a run can end badly.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runtimeConfigSchema } from '../../src-main/core/config';
import { createRuntime } from '../../src-main/core/runtimes';
import type { AgentEvent } from '../../src-main/core/runtimes/port';
import { isSameProcess, processStartTime } from '../../src-main/core/runtimes/process-identity';
import { readWrapperRecord } from '../../src-main/core/runtimes/run-folder';
import { FIXTURES, isLive, makeSpec, readJsonLines, tempDir, waitForEvent } from './helpers';

const FAKE_ACP = join(FIXTURES, 'fake-acp-agent.mjs');
const NOW = Date.UTC(2026, 10, 25, 8, 0, 0);

interface Logged {
  method?: string;
  text?: string;
  sessionId?: string;
  cwd?: string;
  permission?: string;
  outcome?: { outcome: string; optionId?: string };
  clientCapabilities?: unknown;
}

describe('acp runtime with a stand-in ACP agent', () => {
  let dir: string;
  let workspace: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ path: dir, cleanup } = await tempDir('ns-acp-'));
    workspace = join(dir, 'workspace');
    mkdirSync(workspace);
  });
  afterEach(() => cleanup());

  const runtime = (extra: Record<string, unknown> = {}, env: Record<string, string> = {}) =>
    createRuntime(
      runtimeConfigSchema.parse({
        kind: 'acp',
        binary: FAKE_ACP,
        env: { HOME: dir, FAKE_ACP_LOG: join(dir, 'acp.jsonl'), ...env },
        ...extra,
      }),
      { stopGraceMs: 500, clock: { now: () => NOW } },
    );
  const logged = () => readJsonLines<Logged>(join(dir, 'acp.jsonl'));
  const activity = (events: AgentEvent[]) => events.flatMap((e) => (e.type === 'activity' ? [`${e.kind}: ${e.detail}`] : []));
  const spec = (prompt: string, overrides = {}) =>
    makeSpec(workspace, prompt, { logPath: join(dir, 'logs', 's.log'), ...overrides });

  it('a whole turn: an edit inside the workspace is approved once, one outside and a command are refused', async () => {
    const outside = join(dir, 'outside.txt');
    const { spec: s, events } = spec(`Fix the docs edit=notes.md outside=${outside} execute`);
    const outcome = await runtime().start(s).done;

    expect(outcome).toEqual({ kind: 'completed', summary: `Done: Fix the docs edit=notes.md outside=${outside} execute` });
    expect(readFileSync(join(workspace, 'notes.md'), 'utf8')).toContain('edited for: Fix the docs');
    expect(existsSync(outside)).toBe(false);
    const answers = (await logged()).filter((l) => l.permission);
    expect(answers.map((a) => [a.permission, a.outcome])).toEqual([
      ['Edit notes.md', { outcome: 'selected', optionId: 'once' }],
      [`Edit ${outside}`, { outcome: 'selected', optionId: 'no' }],
      ['Run npm test', { outcome: 'selected', optionId: 'no' }],
    ]);
    expect(activity(events)).toEqual([
      'message: Looking at the task.',
      `tool_call: edit: Edit notes.md (${join(workspace, 'notes.md')})`,
      `permission: approved edit "Edit notes.md" on ${join(workspace, 'notes.md')}`,
      'tool_call: Edit notes.md: completed',
      `tool_call: edit: Edit ${outside} (${outside})`,
      `permission: refused edit "Edit ${outside}" on ${outside}: ${outside} is outside the workspace`,
      `tool_call: Edit ${outside}: failed`,
      'tool_call: execute: Run npm test',
      'permission: refused execute "Run npm test": "execute" is not in autoApprove',
      'tool_call: Run npm test: failed',
      `message: Done: Fix the docs edit=notes.md outside=${outside} execute`,
    ]);
    const [init, created] = await logged();
    // No file system or terminal is offered to the agent; the session runs in the task's workspace.
    expect(init!.clientCapabilities).toMatchObject({ fs: { readTextFile: false, writeTextFile: false }, terminal: false });
    expect(created).toMatchObject({ method: 'session/new', cwd: workspace });
    expect(events.filter((e) => e.type === 'resume_token')).toEqual([{ type: 'resume_token', token: created!.sessionId }]);
  });

  it('the kinds in autoApprove are approved; a symlink out of the workspace is still outside', async () => {
    const { symlink } = await import('node:fs/promises');
    mkdirSync(join(dir, 'elsewhere'));
    await symlink(join(dir, 'elsewhere'), join(workspace, 'link'));
    const { spec: s } = spec('Run the tests execute edit=link/escape.txt');
    expect((await runtime({ autoApprove: ['edit', 'execute'] }).start(s).done).kind).toBe('completed');
    const answers = (await logged()).filter((l) => l.permission).map((a) => [a.permission, a.outcome?.optionId]);
    expect(answers).toEqual([
      ['Edit link/escape.txt', 'no'],
      ['Run npm test', 'once'],
    ]);
    expect(existsSync(join(dir, 'elsewhere', 'escape.txt'))).toBe(false);
  });

  it('resume: session/load of the same session, the replayed history is not recorded again, only the continuation is sent', async () => {
    const rt = runtime();
    const first = spec('Refactor the parser');
    expect(await rt.start(first.spec).done).toEqual({ kind: 'completed', summary: 'Done: Refactor the parser' });
    const token = first.events.find((e) => e.type === 'resume_token');
    const sessionId = token?.type === 'resume_token' ? token.token : '';

    const second = spec('Continue where you left off.', { isResume: true, resumeToken: sessionId, task: first.spec.task });
    expect(await rt.start(second.spec).done).toEqual({
      kind: 'completed',
      summary: `Resumed ${sessionId} after 1 turn(s): Continue where you left off.`,
    });
    expect(activity(second.events)).toEqual([`message: Resumed ${sessionId} after 1 turn(s): Continue where you left off.`]);
    const calls = (await logged()).filter((l) => l.method?.startsWith('session/'));
    expect(calls.map((c) => c.method)).toEqual(['session/new', 'session/prompt', 'session/load', 'session/prompt']);
    expect(calls[3]).toMatchObject({ sessionId, text: 'Continue where you left off.' });
  });

  it('a session the agent no longer has: a new session with task + continuation', async () => {
    const { spec: s } = spec('Continue.', { isResume: true, resumeToken: 'gone-session' });
    s.task.prompt = 'Original task';
    const outcome = await runtime().start(s).done;
    expect(outcome).toEqual({ kind: 'completed', summary: 'Done: Original task' });
    const calls = (await logged()).filter((l) => l.method?.startsWith('session/'));
    expect(calls.map((c) => c.method)).toEqual(['session/load', 'session/new', 'session/prompt']);
    expect(calls[2]!.text).toBe('Original task\n\nContinue.');
  });

  it('an agent without loadSession: no resume token is kept, a resume starts over with the task', async () => {
    const { spec: s, events } = spec('Task one');
    expect((await runtime({}, { FAKE_ACP_NO_LOAD: '1' }).start(s).done).kind).toBe('completed');
    expect(events.some((e) => e.type === 'resume_token')).toBe(false);
  });

  it('a rate-limit error from the agent → rate_limited at the time it names', async () => {
    const outcome = await runtime().start(spec('x ratelimit').spec).done;
    expect(outcome).toEqual({
      kind: 'rate_limited',
      resumeAt: NOW + 2 * 3600_000,
      message: 'Rate limit exceeded: try again in 2 hours',
    });
  });

  it('an agent that dies mid-turn → failed with its stderr and exit code', async () => {
    const outcome = await runtime().start(spec('x crash').spec).done;
    expect(outcome).toEqual({ kind: 'failed', error: 'fake-acp-agent: lost my model connection (exit code 3)' });
  });

  it('stop() cancels the turn and ends the agent’s process group', async () => {
    const { spec: s, events } = spec('x sleep=60000');
    const handle = runtime().start(s);
    await waitForEvent(events, (e) => e.type === 'resume_token');
    await handle.stop('cancelled');
    expect(await handle.done).toEqual({ kind: 'stopped', reason: 'cancelled' });
    expect(await isLive(handle.pid!)).toBe(false);
  });

  it('a run with a run folder records its agent’s pid and OS start time there (a restart identifies and kills it)', async () => {
    const runDir = join(dir, 'runs', 's_1', '1');
    const { spec: s, events } = spec('x sleep=60000', { runDir, startedAt: 1234 });
    const handle = runtime().start(s);
    await waitForEvent(events, (e) => e.type === 'resume_token');
    const record = await readWrapperRecord(runDir);
    expect(record).toEqual({ pid: handle.pid, startTime: await processStartTime(handle.pid!), startedAt: 1234 });
    expect(await isSameProcess(record!.pid, record!.startTime)).toBe(true);
    await handle.stop('cancelled');
  });

  it('the agent is ended after a completed turn (it would wait for the next prompt)', async () => {
    const handle = runtime().start(spec('quick').spec);
    expect((await handle.done).kind).toBe('completed');
    expect(await isLive(handle.pid!)).toBe(false);
  });

  it('config: binary is required, autoApprove only takes ACP tool kinds', () => {
    expect(runtimeConfigSchema.safeParse({ kind: 'acp' }).success).toBe(false);
    expect(runtimeConfigSchema.safeParse({ kind: 'acp', binary: 'a', autoApprove: ['everything'] }).success).toBe(false);
    expect(runtimeConfigSchema.parse({ kind: 'acp', binary: 'gemini', args: ['--acp'] })).toMatchObject({
      autoApprove: ['edit'],
      args: ['--acp'],
    });
  });

  it('a missing binary is unavailable', async () => {
    const rt = createRuntime(runtimeConfigSchema.parse({ kind: 'acp', binary: join(dir, 'no-such-agent') }));
    expect(await rt.checkAvailability()).toMatchObject({ available: false });
  });
});
