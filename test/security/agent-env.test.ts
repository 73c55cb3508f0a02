/**
 * Agents never see a source token: a real `nightshift run` against the HTTP
 * fixture server, which refuses any request without the token (so the token
 * is provably in use), runs the fixture agent with FAKE_AGENT_ENV_DUMP. The
 * token is also planted in the runner's own environment, where a careless
 * `{...process.env}` would pick it up.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, FAKE_AGENT, killIfRunning, type RunningInstance, startRun, tempDir, waitFor } from '../cli/harness';
import { startTaskServer, type TaskServer } from '../fixtures/task-server/server';

const TOKEN = 'SECRET-TOKEN-123';
/** What an agent may see: what agent-env.ts passes, and what the config declares. */
const ALLOWED_KEYS = ['PATH', 'HOME', 'LANG', 'NIGHTSHIFT_TASK_ID', 'NIGHTSHIFT_SESSION_ID', 'FAKE_AGENT_ENV_DUMP'];

let dir: string;
let server: TaskServer;
let instance: RunningInstance | null = null;
const savedEnv = { ...process.env };

beforeAll(() => assertBuilt());
beforeEach(async () => {
  dir = await tempDir('env');
  server = await startTaskServer({ mode: 'sse', token: TOKEN });
});
afterEach(async () => {
  killIfRunning(instance);
  instance = null;
  process.env = { ...savedEnv };
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe("agents' environment", () => {
  it('never contains the source token, and holds only the expected keys', async () => {
    const dump = join(dir, 'env.json');
    const config = join(dir, 'nightshift.json');
    await writeFile(
      config,
      JSON.stringify({
        daemons: [
          {
            name: 'team',
            source: { kind: 'http', url: server.url, token: TOKEN, push: ['sse'] },
            runtime: {
              kind: 'command',
              command: [process.execPath, FAKE_AGENT],
              env: { FAKE_AGENT_ENV_DUMP: dump },
            },
            pollIntervalMs: 200,
            maxIdleBackoffMs: 1000,
            jitter: false,
          },
        ],
      }),
    );
    // startRun spawns with process.env: these reach the runner, and must stop there.
    process.env.NIGHTSHIFT_HTTP_TOKEN = TOKEN;
    process.env.GITHUB_TOKEN = `ghp_${TOKEN}`;
    process.env.ANTHROPIC_API_KEY = `sk-${TOKEN}`;
    instance = await startRun(['--config', config, '--data-dir', join(dir, 'data')]);
    const task = server.addTask({ title: 'env', prompt: 'dump the environment' });
    await waitFor(() => server.getTask(task.id)?.status === 'done', 30_000, 'the task to be done');

    // The server only answers with the token: the daemon did use it.
    const authorizations = new Set(server.requests().map((r) => r.authorization));
    expect(authorizations).toEqual(new Set([`Bearer ${TOKEN}`]));

    const dumpText = await readFile(dump, 'utf8');
    const env = JSON.parse(dumpText) as Record<string, string>;
    expect(dumpText).not.toContain(TOKEN);
    expect(Object.entries(env).filter(([, value]) => value.includes(TOKEN))).toEqual([]);
    expect(Object.keys(env).filter((k) => !ALLOWED_KEYS.includes(k))).toEqual([]);
    expect(env.NIGHTSHIFT_TASK_ID).toBe(task.id);
    expect(env.NIGHTSHIFT_SESSION_ID).toMatch(/.+/);

    instance.child.kill('SIGTERM');
    expect((await instance.exited).code).toBe(0);
  });
});
