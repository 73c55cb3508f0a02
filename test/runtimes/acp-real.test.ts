/**
 * The acp runtime against real ACP agents from npm, offline (each part
 * skipped when its CLI is not installed):
 * - Gemini CLI `--acp`: the handshake (initialize, session/new) works with a
 *   key and no network; without a key session/new is refused with the
 *   agent's own message.
 * - Copilot CLI `--acp` with a model provider on 127.0.0.1 (BYOK): a whole
 *   real turn, then its resume through session/load in the same conversation.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimeConfigSchema } from '../../src-main/core/config';
import { createRuntime } from '../../src-main/core/runtimes';
import type { AgentEvent } from '../../src-main/core/runtimes/port';
import { makeSpec, tempDir, waitForEvent } from './helpers';
import { type ModelProvider, startModelProvider, textOf } from './model-provider-server';
import { COPILOT_PACKAGE_CACHE, realCli } from './real-clis';

const GEMINI = realCli('gemini');
const COPILOT = realCli('copilot');
if (!GEMINI) console.log('acp-real: gemini --acp part skipped, the real gemini CLI is not installed');
if (!COPILOT) console.log('acp-real: copilot --acp part skipped, the real copilot CLI is not installed');
const TIMEOUT = 120_000;
const tokens = (events: AgentEvent[]) => events.flatMap((e) => (e.type === 'resume_token' ? [e.token] : []));

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ path: dir, cleanup } = await tempDir('ns-acp-real-'));
  mkdirSync(join(dir, 'workspace'));
});
afterAll(() => cleanup?.());

const acpRuntime = (binary: string, args: string[], env: Record<string, string>) =>
  createRuntime(runtimeConfigSchema.parse({ kind: 'acp', binary, args, env: { HOME: join(dir, 'home'), ...env } }), {
    stopGraceMs: 1_000,
  });
const spec = (prompt: string, overrides = {}) =>
  makeSpec(join(dir, 'workspace'), prompt, { logPath: join(dir, 'logs', 's.log'), ...overrides });

describe.skipIf(!GEMINI)('gemini --acp (real)', () => {
  it(
    'without a key: initialize answers, session/new is refused with the agent’s message',
    async () => {
      const outcome = await acpRuntime(GEMINI!, ['--acp'], {}).start(spec('hello').spec).done;
      // -32000 is ACP's auth_required: the environment's failure, not the task's.
      expect(outcome).toEqual({ kind: 'environment', cause: 'auth', message: 'Gemini API key is missing or not configured.' });
    },
    TIMEOUT,
  );

  it(
    'with a key and no network: the handshake completes (a loadable session id), the turn is ours to stop',
    async () => {
      const { spec: s, events } = spec('hello');
      const handle = acpRuntime(GEMINI!, ['--acp'], { GEMINI_API_KEY: 'AIza-not-a-real-key' }).start(s);
      // gemini advertises loadSession, so the id of the session it created is kept for a resume.
      await waitForEvent(events, (e) => e.type === 'resume_token', 60_000);
      expect(tokens(events)[0]).toMatch(/^[0-9a-f-]{36}$/);
      await handle.stop('cancelled');
      expect(await handle.done).toEqual({ kind: 'stopped', reason: 'cancelled' });
    },
    TIMEOUT,
  );

  it(
    'with a key and no network, stopped for lack of progress: it took the prompt and said nothing → network',
    async () => {
      const { spec: s, events } = spec('hello');
      const handle = acpRuntime(GEMINI!, ['--acp'], { GEMINI_API_KEY: 'AIza-not-a-real-key' }).start(s);
      await waitForEvent(events, (e) => e.type === 'resume_token', 60_000);
      await new Promise((r) => setTimeout(r, 1_000)); // the prompt is sent right after the session exists
      await handle.stop('stalled');
      expect(await handle.done).toMatchObject({ kind: 'environment', cause: 'network' });
    },
    TIMEOUT,
  );
});

describe.skipIf(!COPILOT)('copilot --acp (real), logged out', () => {
  it(
    'session/new is refused with auth_required: an environment failure (auth), not a task failure',
    async () => {
      const rt = acpRuntime(COPILOT!, ['--acp', '--no-auto-update'], { XDG_CACHE_HOME: COPILOT_PACKAGE_CACHE });
      expect(await rt.start(spec('hello').spec).done).toEqual({
        kind: 'environment',
        cause: 'auth',
        message: 'Authentication required',
      });
    },
    TIMEOUT,
  );
});

describe.skipIf(!COPILOT)('copilot --acp (real) with a local model provider', () => {
  let provider: ModelProvider;
  beforeAll(async () => {
    provider = await startModelProvider((messages) => {
      const users = messages.filter((m) => m.role === 'user').map(textOf);
      const last = (users.at(-1) ?? '').replace(/^<current_datetime>.*?<\/current_datetime>\s*/s, '');
      return `Answer to "${last.split('\n')[0]}" after ${users.length} user message(s)`;
    });
  });
  afterAll(() => provider?.close());
  const copilot = () =>
    acpRuntime(COPILOT!, ['--acp', '--no-auto-update'], {
      XDG_CACHE_HOME: COPILOT_PACKAGE_CACHE,
      COPILOT_OFFLINE: 'true',
      COPILOT_PROVIDER_BASE_URL: provider.baseUrl,
      COPILOT_MODEL: 'gpt-4o',
    });

  it(
    'a whole turn, then session/load resumes the same conversation',
    async () => {
      const first = spec('Fix the flaky test');
      expect(await copilot().start(first.spec).done).toEqual({
        kind: 'completed',
        summary: 'Answer to "Fix the flaky test" after 1 user message(s)',
      });
      expect(first.events).toContainEqual({
        type: 'activity',
        kind: 'message',
        detail: 'Answer to "Fix the flaky test" after 1 user message(s)',
      });
      expect(first.events).toContainEqual({ type: 'usage', inputTokens: 120, outputTokens: 4 });
      const [session] = tokens(first.events);

      const second = spec('Continue.', { isResume: true, resumeToken: session!, task: first.spec.task });
      expect(await copilot().start(second.spec).done).toEqual({
        kind: 'completed',
        summary: 'Answer to "Continue." after 2 user message(s)',
      });
      expect(tokens(second.events)).toEqual([session]);
    },
    TIMEOUT,
  );
});

describe.skipIf(!COPILOT)('copilot --acp (real): its permission requests', () => {
  let provider: ModelProvider;
  beforeAll(async () => {
    // The "model" asks for one shell command, then reports the tool's result.
    provider = await startModelProvider((messages) => {
      const last = messages.at(-1)!;
      if (last.role !== 'tool') return { tool: 'bash', arguments: { command: 'touch ran.txt', description: 'Create ran.txt' } };
      return `Tool said: ${textOf(last).split('\n')[0]}`;
    });
  });
  afterAll(() => provider?.close());
  const copilot = (autoApprove: string[]) =>
    createRuntime(
      runtimeConfigSchema.parse({
        kind: 'acp',
        binary: COPILOT,
        args: ['--acp', '--no-auto-update'],
        autoApprove,
        env: {
          HOME: join(dir, 'home'),
          XDG_CACHE_HOME: COPILOT_PACKAGE_CACHE,
          COPILOT_OFFLINE: 'true',
          COPILOT_PROVIDER_BASE_URL: provider.baseUrl,
          COPILOT_MODEL: 'gpt-4o',
        },
      }),
      { stopGraceMs: 1_000 },
    );

  it.each([
    { autoApprove: ['edit'], approved: false },
    { autoApprove: ['edit', 'execute'], approved: true },
  ])(
    'a shell command with autoApprove $autoApprove: approved=$approved',
    async ({ autoApprove, approved }) => {
      const workspace = join(dir, `ws-${approved}`);
      mkdirSync(workspace);
      const { spec: s, events } = makeSpec(workspace, 'Create the marker file', { logPath: join(dir, 'logs', 'p.log') });
      const outcome = await copilot(autoApprove).start(s).done;
      expect(outcome.kind).toBe('completed');
      const decisions = events.flatMap((e) => (e.type === 'activity' && e.kind === 'permission' ? [e.detail] : []));
      expect(decisions).toHaveLength(1);
      expect(decisions[0]).toMatch(approved ? /^approved execute / : /^refused execute .*"execute" is not in autoApprove$/);
      expect(existsSync(join(workspace, 'ran.txt'))).toBe(approved);
      expect(events.some((e) => e.type === 'activity' && e.kind === 'tool_call')).toBe(true);
    },
    TIMEOUT,
  );
});
