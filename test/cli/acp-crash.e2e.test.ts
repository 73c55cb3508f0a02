/**
 * An ACP agent cannot be adopted after a crash of its runner (its
 * conversation lives on pipes the dead runner held), and it does not
 * necessarily exit when those close (gemini --acp keeps retrying its turn,
 * recorded in samples/real/acp-gemini-stdin-closed). With real processes:
 * kill -9 of `nightshift run` while the stand-in ACP agent works on a turn;
 * the restart kills that agent (identified by the pid and start time its run
 * recorded) and runs the task again through `session/load` of the same ACP
 * session, with the continuation message only.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SessionEventRow, SessionRow } from '@shared/sessions';
import type { LocalTask } from '@shared/task';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  assertBuilt,
  cliJson,
  cliOk,
  isAlive,
  killIfRunning,
  ROOT,
  type RunningInstance,
  startRun,
  tempDir,
  waitFor,
} from './harness';

const FAKE_ACP = join(ROOT, 'test', 'fixtures', 'fake-acp-agent.mjs');

interface AcpLogLine {
  pid: number;
  method?: string;
  sessionId?: string;
  text?: string;
}

let dir: string;
let instance: RunningInstance | null = null;
beforeAll(() => assertBuilt());
beforeEach(async () => {
  dir = await tempDir('acp-crash');
});
afterEach(async () => {
  killIfRunning(instance);
  instance = null;
  await rm(dir, { recursive: true, force: true });
});

const acpLog = (): AcpLogLine[] => {
  try {
    return readFileSync(join(dir, 'acp.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AcpLogLine);
  } catch {
    return [];
  }
};

it('after kill -9 of run, the orphaned ACP agent is killed and the task resumes its ACP session via session/load', async () => {
  const dataDir = join(dir, 'data');
  const config = join(dir, 'nightshift.json');
  writeFileSync(
    config,
    JSON.stringify({
      daemons: [
        {
          name: 'acp',
          source: { kind: 'local', queue: 'default' },
          runtime: { kind: 'acp', binary: FAKE_ACP, env: { HOME: dir, FAKE_ACP_LOG: join(dir, 'acp.jsonl') } },
          maxConcurrent: 1,
          pollIntervalMs: 200,
          maxIdleBackoffMs: 1000,
          jitter: false,
        },
      ],
    }),
  );
  instance = await startRun(['--config', config, '--data-dir', dataDir]);
  const taskId = (await cliOk(['task', 'add', 'Long refactor sleep=60000', '--data-dir', dataDir])).trim();
  await waitFor(() => acpLog().some((l) => l.method === 'session/prompt'), 20_000, 'the agent working on its turn');
  const first = acpLog().find((l) => l.method === 'session/prompt')!;

  instance.child.kill('SIGKILL');
  await instance.exited;
  // Its runner is gone and its stdin closed, but the agent goes on with its turn.
  await new Promise((r) => setTimeout(r, 500));
  expect(isAlive(first.pid)).toBe(true);

  instance = await startRun(['--config', config, '--data-dir', dataDir]);
  // Killed by the restart, found through the process record of its run folder (pid + OS start time).
  await waitFor(() => !isAlive(first.pid), 10_000, 'the orphaned agent killed');
  expect(instance.stderr()).toContain(`killing agent process group ${first.pid} of an earlier run`);

  const done = async () => (await cliJson<LocalTask[]>(['tasks', '--data-dir', dataDir]))[0]?.status === 'done';
  await waitFor(done, 30_000, 'the task done', 300);
  const calls = acpLog().filter((l) => l.method?.startsWith('session/'));
  expect(calls.map((c) => c.method)).toEqual(['session/new', 'session/prompt', 'session/load', 'session/prompt']);
  expect(calls[2]!.sessionId).toBe(first.sessionId);
  expect(calls[3]).toMatchObject({ sessionId: first.sessionId, text: expect.stringMatching(/^Nightshift restarted/) });
  expect(calls[3]!.pid).not.toBe(first.pid);

  const sessions = await cliJson<(SessionRow & { events: SessionEventRow[] })[]>(['sessions', '--events', '--data-dir', dataDir]);
  expect(sessions.filter((s) => s.taskId === taskId)).toHaveLength(1);
  expect(sessions[0]).toMatchObject({ outcome: 'done', resumeToken: first.sessionId, attempt: 2 });
  instance.child.kill('SIGTERM');
  expect((await instance.exited).code).toBe(0);
}, 90_000);
