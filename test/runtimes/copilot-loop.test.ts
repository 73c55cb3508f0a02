/**
 * The copilot runtime through the real daemon loop (real SQLite, real
 * processes): with the stand-in CLI, a usage limit pauses the runtime until
 * the reset (simulated clock) and the same Copilot session resumes and
 * finishes; with the real Copilot CLI (skipped when absent) and a model
 * provider on 127.0.0.1, a queued task is done with the model's answer.
 */
import { join, resolve } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createHandlers } from '../../src-main/api/handlers';
import { FakeClock } from '../../src-main/core/clock';
import { parseConfig } from '../../src-main/core/config';
import { createSupervisor } from '../../src-main/core/create-supervisor';
import type { Supervisor } from '../../src-main/core/supervisor';
import { tempDirsPerTest } from '../support/temp-dir';
import { readJsonLines } from './helpers';
import { startModelProvider } from './model-provider-server';
import { COPILOT_PACKAGE_CACHE, realCli } from './real-clis';

const tempDir = tempDirsPerTest();
const FAKE_COPILOT = resolve(__dirname, '../fixtures/fake-clis/copilot');
const COPILOT = realCli('copilot');
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

it('copilot: usage limit → runtime paused → the same Copilot session resumes at the reset and finishes', async () => {
  const dir = tempDir();
  const cliLog = join(dir, 'copilot.jsonl');
  const clock = new FakeClock();
  const { config } = parseConfig({
    daemons: [
      {
        name: 'copilot',
        source: { kind: 'local' },
        runtime: { kind: 'copilot', binary: FAKE_COPILOT, env: { HOME: dir, FAKE_CLI_LOG: cliLog } },
        jitter: false,
      },
    ],
  });
  sup = await createSupervisor({ dataDir: join(dir, 'data'), config, clock });
  const resetAt = Math.ceil((clock.now() + 60 * 60 * 1000) / 1000) * 1000;
  const task = await createHandlers(sup).addTask({ prompt: `Refactor the parser ratelimit=${resetAt / 1000}` });
  const session = () => sup!.sessions.list({})[0];

  await until(clock, 'the usage limit', () => session()?.state === 'rate_limited');
  expect(session()!.resumeAfter).toBe(resetAt);
  expect(sup.snapshot().daemons[0]!.runtime.pausedUntil).toBe(resetAt);
  const copilotSession = session()!.resumeToken;
  expect(copilotSession).toMatch(/^[0-9a-f-]{36}$/);

  await clock.advance(resetAt - clock.now() - 1_000);
  expect(session()!.state).toBe('rate_limited');
  await clock.advance(1_000);
  await until(clock, 'done', () => session()?.state === 'closed');
  const done = (await createHandlers(sup).listTasks({})).find((t) => t.id === task.id)!;
  expect(done.status).toBe('done');
  expect(done.result).toBe(`Resumed ${copilotSession}: continued and finished.`);

  const runs = await readJsonLines<{ argv: string[]; resume: string | null }>(cliLog);
  expect(runs.map((r) => r.resume)).toEqual([null, copilotSession]);
  // The first run already named the session it then resumed.
  expect(runs[0]!.argv).toContain(`--session-id=${copilotSession}`);
});

it.skipIf(!COPILOT)(
  'copilot: the real CLI does a queued task end to end through the loop (local model provider)',
  async () => {
    const dir = tempDir();
    const provider = await startModelProvider(() => 'All tests pass now.');
    try {
      const clock = new FakeClock();
      const { config } = parseConfig({
        daemons: [
          {
            name: 'copilot',
            source: { kind: 'local' },
            runtime: {
              kind: 'copilot',
              binary: COPILOT,
              env: {
                HOME: join(dir, 'home'),
                XDG_CACHE_HOME: COPILOT_PACKAGE_CACHE,
                COPILOT_OFFLINE: 'true',
                COPILOT_PROVIDER_BASE_URL: provider.baseUrl,
                COPILOT_MODEL: 'gpt-4o',
              },
            },
          },
        ],
      });
      sup = await createSupervisor({ dataDir: join(dir, 'data'), config, clock });
      const task = await createHandlers(sup).addTask({ prompt: 'Make the tests pass' });
      await until(clock, 'done', () => sup!.sessions.list({})[0]?.state === 'closed', 120_000);
      const done = (await createHandlers(sup).listTasks({})).find((t) => t.id === task.id)!;
      expect(done).toMatchObject({ status: 'done', result: 'All tests pass now.' });
      expect(sup.sessions.list({})[0]!.resumeToken).toMatch(/^[0-9a-f-]{36}$/);
      expect(provider.requests.length).toBeGreaterThan(0);
    } finally {
      await provider.close();
    }
  },
  150_000,
);
