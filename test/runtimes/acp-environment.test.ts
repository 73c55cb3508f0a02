/**
 * ACP runs that fail because of the agent's environment (not logged in, no
 * network, the agent missing) are environment failures, not task failures:
 * with the SDK stand-in agent, and with the real agents' recorded side of
 * the conversation (test/fixtures/samples/real/acp-*.transcript.jsonl,
 * replayed byte for byte by test/fixtures/acp-replay-agent.mjs).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runtimeConfigSchema } from '../../src-main/core/config';
import { createRuntime } from '../../src-main/core/runtimes';
import { FIXTURES, makeSpec, SAMPLES, tempDir, waitForEvent } from './helpers';

const FAKE_ACP = join(FIXTURES, 'fake-acp-agent.mjs');
const REPLAY = join(FIXTURES, 'acp-replay-agent.mjs');
const transcript = (name: string) => join(SAMPLES, 'real', `acp-${name}.transcript.jsonl`);

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ path: dir, cleanup } = await tempDir('ns-acp-env-'));
  mkdirSync(join(dir, 'workspace'));
});
afterEach(() => cleanup());

const runtime = (binary: string, args: string[] = [], env: Record<string, string> = {}) =>
  createRuntime(runtimeConfigSchema.parse({ kind: 'acp', binary, args, env: { HOME: dir, ...env } }), { stopGraceMs: 500 });
const spec = (prompt: string) => makeSpec(join(dir, 'workspace'), prompt, { logPath: join(dir, 'logs', 's.log') });

describe('acp: environment failures with the stand-in agent', () => {
  it('auth_required from session/new → an environment failure (auth), not a task failure', async () => {
    const outcome = await runtime(FAKE_ACP, [], { FAKE_ACP_MODE: 'unauthenticated' }).start(spec('anything').spec).done;
    expect(outcome).toEqual({ kind: 'environment', cause: 'auth', message: 'Authentication required: not logged in' });
  });

  it('an agent that cannot be started → an environment failure (cli)', async () => {
    const outcome = await runtime(join(dir, 'no-such-agent')).start(spec('anything').spec).done;
    expect(outcome).toMatchObject({
      kind: 'environment',
      cause: 'cli',
      message: expect.stringMatching(/^could not start .*ENOENT/),
    });
  });

  it('stopped for lack of progress while its stderr says it reconnects → an environment failure (network)', async () => {
    const { spec: s, events } = spec('x offline');
    const handle = runtime(FAKE_ACP).start(s);
    await waitForEvent(events, (e) => e.type === 'output' && e.stream === 'stderr' && /Reconnecting/.test(e.line));
    await handle.stop('stalled');
    expect(await handle.done).toMatchObject({ kind: 'environment', cause: 'network', message: /no progress, stopped/ });
  });

  it('stopped for lack of progress after it took the prompt and sent nothing back → network', async () => {
    const { spec: s, events } = spec('x sleep=60000');
    const handle = runtime(FAKE_ACP).start(s);
    await waitForEvent(events, (e) => e.type === 'resume_token');
    await new Promise((r) => setTimeout(r, 300)); // the prompt is on its way
    await handle.stop('stalled');
    expect(await handle.done).toMatchObject({ kind: 'environment', cause: 'network' });
  });

  it('stopped for lack of progress after the agent answered something → the task’s stall (not the environment)', async () => {
    const { spec: s, events } = spec('x hang');
    const handle = runtime(FAKE_ACP).start(s);
    await waitForEvent(events, (e) => e.type === 'output' && e.line === 'Working on it.');
    await handle.stop('stalled');
    expect(await handle.done).toEqual({ kind: 'stopped', reason: 'stalled' });
  });
});

describe('acp: the real agents’ recorded answers (copilot 1.0.102, gemini 0.61.0 offline)', () => {
  it('copilot --acp logged out: session/new → -32000 "Authentication required" → auth', async () => {
    const outcome = await runtime(REPLAY, [transcript('copilot-logged-out')]).start(spec('hi').spec).done;
    expect(outcome).toEqual({ kind: 'environment', cause: 'auth', message: 'Authentication required' });
  });

  it('copilot --acp with a token and no network: the same -32000 → auth', async () => {
    const outcome = await runtime(REPLAY, [transcript('copilot-token-no-network')]).start(spec('hi').spec).done;
    expect(outcome).toEqual({ kind: 'environment', cause: 'auth', message: 'Authentication required' });
  });

  it('gemini --acp without a key: -32000 with its own words → auth', async () => {
    const outcome = await runtime(REPLAY, [transcript('gemini-no-key')]).start(spec('hi').spec).done;
    expect(outcome).toEqual({ kind: 'environment', cause: 'auth', message: 'Gemini API key is missing or not configured.' });
  });

  it('gemini --acp with a key and no network: the prompt is taken, nothing comes back; stalled → network', async () => {
    const { spec: s, events } = spec('hi');
    const handle = runtime(REPLAY, [transcript('gemini-offline-fake-key')]).start(s);
    await waitForEvent(events, (e) => e.type === 'resume_token');
    await new Promise((r) => setTimeout(r, 300));
    await handle.stop('stalled');
    expect(await handle.done).toMatchObject({ kind: 'environment', cause: 'network' });
    // gemini lists its slash commands right after the prompt: not an answer, not progress.
    expect(events.filter((e) => e.type === 'output' && e.stream === 'stdout')).toEqual([]);
  });
});
