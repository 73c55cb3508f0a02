/**
 * End to end: each agent-CLI runtime drives its fake CLI binary as a real
 * child process — success, rate limit then resume of the same agent session,
 * not logged in, and a missing binary.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runtimeConfigSchema } from '../../src-main/core/config';
import { createRuntime } from '../../src-main/core/runtimes';
import type { AgentRuntime } from '../../src-main/core/runtimes/port';
import { FAKE_CLIS, makeSpec, readJsonLines, tempDir } from './helpers';

const CONTINUE = 'Rate limit window has reset. Continue working on the task where you left off.';
// An hour ahead of the real clock (the fakes compute gemini's "retry in N s" from it), on a whole
// minute so that codex's minute-resolution "try again at" text is exact.
const RESET_EPOCH_S = Math.ceil(Date.now() / 60_000) * 60 + 3600;
const NOW = Date.UTC(2026, 10, 25, 8, 0, 0);

interface Invocation {
  cli: string;
  argv: string[];
  prompt: string;
  resume: string | null;
}

const KINDS = ['claude', 'codex', 'gemini', 'copilot'] as const;

describe.each(KINDS)('%s runtime against its fake CLI', (kind) => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ path: dir, cleanup } = await tempDir());
  });
  afterEach(() => cleanup());

  const runtime = (env: Record<string, string> = {}): AgentRuntime =>
    createRuntime(
      runtimeConfigSchema.parse({
        kind,
        binary: join(FAKE_CLIS, kind),
        model: 'test-model',
        // The fake keeps its sessions under HOME, like the real CLIs.
        env: { HOME: dir, FAKE_CLI_LOG: join(dir, 'invocations.jsonl'), ...env },
      }),
      { stopGraceMs: 300, clock: { now: () => NOW } },
    );
  const invocations = () => readJsonLines<Invocation>(join(dir, 'invocations.jsonl'));

  it('reports its version when the binary is present', async () => {
    const availability = await runtime().checkAvailability();
    expect(availability.available).toBe(true);
    if (availability.available) expect(availability.version).toMatch(/\d+\.\d+/);
  });

  it('completes with the agent result as summary and records session id and usage', async () => {
    const { spec, events } = makeSpec(dir, 'Fix the flaky test\nmore detail');
    const outcome = await runtime().start(spec).done;
    expect(outcome).toEqual({ kind: 'completed', summary: 'Done: Fix the flaky test' });
    expect(events.filter((e) => e.type === 'resume_token')).toHaveLength(kind === 'claude' ? 2 : 1);
    expect(events.some((e) => e.type === 'usage' && (e.outputTokens ?? 0) > 0)).toBe(true);
    const [call] = await invocations();
    expect(call!.prompt).toBe('Fix the flaky test\nmore detail');
    expect(call!.argv).toContain('test-model');
  });

  it('rate limit → rate_limited with the reset; the resume continues the same agent session', async () => {
    const rt = runtime();
    const first = makeSpec(dir, `Refactor ratelimit=${RESET_EPOCH_S}`);
    const limited = await rt.start(first.spec).done;
    expect(limited.kind).toBe('rate_limited');
    const resumeAt = limited.kind === 'rate_limited' ? limited.resumeAt : 0;
    // gemini only says "retry in N s" (relative to its own clock), the others give the instant.
    if (kind === 'gemini') expect(Math.abs(resumeAt - (NOW + (RESET_EPOCH_S * 1000 - Date.now())))).toBeLessThan(5_000);
    else expect(resumeAt).toBe(RESET_EPOCH_S * 1000);
    expect(first.events.some((e) => e.type === 'rate_limit')).toBe(true);

    const token = first.events.findLast((e) => e.type === 'resume_token');
    expect(token).toBeDefined();
    const sessionToken = token!.type === 'resume_token' ? token!.token : '';

    const second = makeSpec(dir, CONTINUE, { isResume: true, resumeToken: sessionToken, task: first.spec.task });
    const outcome = await rt.start(second.spec).done;
    expect(outcome).toEqual({ kind: 'completed', summary: `Resumed ${sessionToken}: continued and finished.` });

    const calls = await invocations();
    expect(calls.map((c) => c.resume)).toEqual([null, sessionToken]);
    expect(calls[1]!.prompt).toBe(CONTINUE);
  });

  it('a resume without a recorded agent session starts over with task + continuation', async () => {
    const { spec } = makeSpec(dir, CONTINUE, { isResume: true, resumeToken: null });
    spec.task.prompt = 'Original task';
    expect((await runtime().start(spec).done).kind).toBe('completed');
    const [call] = await invocations();
    expect(call!.resume).toBeNull();
    expect(call!.prompt).toBe(`Original task\n\n${CONTINUE}`);
  });

  it('not logged in → an environment failure (auth) with the CLI’s own message, not a task failure', async () => {
    const outcome = await runtime({ FAKE_CLI_MODE: 'unauthenticated' }).start(makeSpec(dir, 'anything').spec).done;
    expect(outcome).toMatchObject({ kind: 'environment', cause: 'auth' });
    const expected = {
      claude: /^Not logged in · Please run \/login$/,
      codex: /401 Unauthorized/,
      gemini: /^Please set an Auth method .*GEMINI_API_KEY/,
      copilot: /^Error: No authentication information found\.$/,
    }[kind];
    if (outcome.kind === 'environment') expect(outcome.message).toMatch(expected);
  });

  it.skipIf(kind === 'copilot')(
    'a resume of a conversation the CLI no longer has starts over with the task instead of failing',
    async () => {
      const { spec, events } = makeSpec(dir, CONTINUE, { isResume: true, resumeToken: '11111111-2222-3333-4444-555555555555' });
      spec.task.prompt = 'Original task';
      const outcome = await runtime().start(spec).done;
      expect(outcome).toMatchObject({ kind: 'completed' });
      const calls = await invocations();
      expect(calls.map((c) => c.resume)).toEqual(['11111111-2222-3333-4444-555555555555', null]);
      expect(calls[1]!.prompt).toBe(`Original task\n\n${CONTINUE}`);
      expect(events.some((e) => e.type === 'output' && /cannot resume 11111111/.test(e.line))).toBe(true);
    },
  );

  it('an error reported by the CLI fails the run with that message', async () => {
    const outcome = await runtime().start(makeSpec(dir, 'x fail-message=tool-crashed').spec).done;
    expect(outcome).toMatchObject({ kind: 'failed', error: expect.stringContaining('tool-crashed') });
  });

  it('a missing binary is unavailable with an install hint', async () => {
    const rt = createRuntime(runtimeConfigSchema.parse({ kind, env: { PATH: join(dir, 'empty-bin') } }));
    expect(await rt.checkAvailability()).toEqual({
      available: false,
      reason: `${kind} not found on PATH — install with: npm i -g ${{ claude: '@anthropic-ai/claude-code', codex: '@openai/codex', gemini: '@google/gemini-cli', copilot: '@github/copilot' }[kind]}`,
    });
  });
});
