/**
 * The copilot runtime against the real GitHub Copilot CLI binary, offline:
 * not logged in, resuming a session that does not exist, and — with a model
 * provider on 127.0.0.1 (the CLI's documented BYOK mode, COPILOT_OFFLINE)
 * — a whole real turn, its resume in the same conversation, a prompt that
 * starts with "-", and a provider 429. Skipped when the CLI is not installed.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimeConfigSchema } from '../../src-main/core/config';
import { createRuntime } from '../../src-main/core/runtimes';
import type { AgentEvent } from '../../src-main/core/runtimes/port';
import { makeSpec, tempDir } from './helpers';
import { type ModelProvider, startModelProvider, textOf } from './model-provider-server';
import { COPILOT_PACKAGE_CACHE, realCli } from './real-clis';

const COPILOT = realCli('copilot');
if (!COPILOT) console.log('copilot-real: skipped, the real copilot CLI is not installed (NIGHTSHIFT_CLI_CACHE)');
const TIMEOUT = 120_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.skipIf(!COPILOT)('copilot runtime with the real Copilot CLI', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let provider: ModelProvider;

  beforeAll(async () => {
    ({ path: dir, cleanup } = await tempDir('ns-copilot-'));
    // The "model" answers with what it saw, so the test can tell what the CLI sent.
    provider = await startModelProvider((messages) => {
      const users = messages.filter((m) => m.role === 'user').map(textOf);
      const last = (users.at(-1) ?? '').replace(/^<current_datetime>.*?<\/current_datetime>\s*/s, '');
      return `Answer to "${last.split('\n')[0]}" after ${users.length} user message(s)`;
    });
  });
  afterAll(async () => {
    await provider?.close();
    await cleanup?.();
  });

  const runtime = (env: Record<string, string>) =>
    createRuntime(
      runtimeConfigSchema.parse({
        kind: 'copilot',
        binary: COPILOT,
        env: { HOME: join(dir, 'home'), XDG_CACHE_HOME: COPILOT_PACKAGE_CACHE, ...env },
      }),
      { stopGraceMs: 1_000 },
    );
  const offline = () =>
    runtime({ COPILOT_OFFLINE: 'true', COPILOT_PROVIDER_BASE_URL: provider.baseUrl, COPILOT_MODEL: 'gpt-4o' });
  const tokens = (events: AgentEvent[]) => events.flatMap((e) => (e.type === 'resume_token' ? [e.token] : []));

  it(
    'reports the CLI version',
    async () => {
      expect(await runtime({}).checkAvailability()).toEqual({
        available: true,
        version: expect.stringMatching(/^GitHub Copilot CLI \d+\.\d+\.\d+/),
      });
    },
    TIMEOUT,
  );

  it(
    'not logged in: an environment failure (auth) with the CLI’s first error line, not a task failure',
    async () => {
      const { spec } = makeSpec(dir, 'anything');
      const outcome = await runtime({}).start(spec).done;
      expect(outcome).toEqual({ kind: 'environment', cause: 'auth', message: 'Error: No authentication information found.' });
    },
    TIMEOUT,
  );

  it(
    'a whole turn, then its resume continues the same conversation; a "-" prompt arrives intact',
    async () => {
      provider.mode = 'answer';
      const first = makeSpec(dir, '- fix the list\n- and the other one');
      const done = await offline().start(first.spec).done;
      expect(done).toEqual({ kind: 'completed', summary: 'Answer to "- fix the list" after 1 user message(s)' });
      const [session] = tokens(first.events);
      expect(session).toMatch(UUID);

      const second = makeSpec(dir, 'Continue where you left off.', {
        isResume: true,
        resumeToken: session!,
        task: first.spec.task,
      });
      const resumed = await offline().start(second.spec).done;
      // The CLI sent the first exchange again: the same conversation, not a new one.
      expect(resumed).toEqual({ kind: 'completed', summary: 'Answer to "Continue where you left off." after 2 user message(s)' });
      expect(tokens(second.events)).toEqual([session]);
    },
    TIMEOUT,
  );

  it(
    'a provider 429 ends the run rate-limited with the CLI’s message',
    async () => {
      provider.mode = 'rate_limited';
      const { spec, events } = makeSpec(dir, 'Refactor');
      const before = Date.now();
      const outcome = await offline().start(spec).done;
      expect(outcome).toMatchObject({ kind: 'rate_limited', message: '429 Rate limit exceeded' });
      // No reset time in the text: the default wait.
      if (outcome.kind === 'rate_limited') expect(outcome.resumeAt).toBeGreaterThanOrEqual(before + 60 * 60 * 1000);
      expect(tokens(events)).toHaveLength(1);
    },
    TIMEOUT,
  );

  it(
    'resuming a session the CLI no longer has starts over with the task instead of failing',
    async () => {
      provider.mode = 'answer';
      const gone = '00000000-0000-4000-8000-000000000000';
      const { spec, events } = makeSpec(dir, 'Continue', { isResume: true, resumeToken: gone });
      spec.task.prompt = 'Original task';
      expect(await offline().start(spec).done).toEqual({
        kind: 'completed',
        summary: 'Answer to "Original task" after 1 user message(s)',
      });
      // The CLI's refusal is shown, and the fresh run has a session of its own.
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'output', line: expect.stringMatching(/No session, task, or name matched '00000000-/) }),
      );
      expect(tokens(events).at(-1)).toMatch(UUID);
      expect(tokens(events).at(-1)).not.toBe(gone);
    },
    TIMEOUT,
  );

  it(
    'a token but no network: an environment failure (network), not a task failure',
    async () => {
      const { spec } = makeSpec(dir, 'anything');
      // A syntactically valid fine-grained token; GitHub cannot be reached to validate it.
      const token = `github_pat_11${'A'.repeat(20)}_${'b'.repeat(59)}`;
      expect(await runtime({ COPILOT_GITHUB_TOKEN: token }).start(spec).done).toEqual({
        kind: 'environment',
        cause: 'network',
        message: 'Error: Authentication token found but could not be validated.',
      });
    },
    TIMEOUT,
  );
});
