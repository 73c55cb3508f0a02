/**
 * Issue 13's attack, replayed: a plain command agent in its default workspace
 * goes looking for the team token on disk (every file it can read up to six
 * levels above its working directory, which covers the data dir and the
 * workspace root). Before the fix its workspace sat four levels under the data
 * dir, next to a run-config.json holding the token. Now the workspace is in
 * the cache folder and no file Nightshift writes holds the token — whether it
 * came from an environment variable (tokenEnv) or, as before, from a literal
 * `token` in the user's config file (which warns).
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, cli, killIfRunning, ROOT, type RunningInstance, startRun, tempDir, waitFor } from '../cli/harness';
import { startTaskServer, type TaskServer } from '../fixtures/task-server/server';

const TOKEN = `TEAM-TOKEN-${process.pid}-${Date.now()}`;
const SNOOP = join(ROOT, 'test', 'fixtures', 'snoop-agent.mjs');

let dir: string;
let configDir: string;
let server: TaskServer;
let instance: RunningInstance | null = null;
const savedEnv = { ...process.env };

beforeAll(() => assertBuilt());
beforeEach(async () => {
  dir = await tempDir('snoop');
  configDir = await tempDir('cfg');
  server = await startTaskServer({ mode: 'plain', token: TOKEN });
});
afterEach(async () => {
  killIfRunning(instance);
  instance = null;
  process.env = { ...savedEnv };
  await server.close();
  await rm(dir, { recursive: true, force: true });
  await rm(configDir, { recursive: true, force: true });
});

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function holdingToken(paths: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    const bytes = await readFile(path).catch(() => null);
    if (bytes?.includes(TOKEN)) found.push(path);
  }
  return found;
}

describe('an agent looking for the team token on disk', () => {
  it.each([
    ['tokenEnv', { tokenEnv: 'TEAM_TOKEN' }],
    ['a literal token (warned)', { token: TOKEN }],
  ])(
    'finds nothing when the token comes from %s',
    async (_how, tokenConfig) => {
      const data = join(dir, 'data');
      const report = join(dir, 'report.json');
      const config = join(configDir, 'nightshift.json');
      await writeFile(
        config,
        JSON.stringify({
          daemons: [
            {
              name: 'team',
              source: { kind: 'http', url: server.url, push: [], ...tokenConfig },
              runtime: { kind: 'command', command: [process.execPath, SNOOP], env: { SNOOP_REPORT: report, SNOOP_LEVELS: '6' } },
              pollIntervalMs: 200,
              maxIdleBackoffMs: 1000,
              jitter: false,
            },
          ],
        }),
      );
      process.env.TEAM_TOKEN = TOKEN;
      process.env.XDG_CACHE_HOME = join(dir, 'cache');
      instance = await startRun(['--config', config, '--data-dir', data]);
      const task = server.addTask({ title: 'snoop', prompt: 'look around' });
      await waitFor(() => server.getTask(task.id)?.status === 'done', 30_000, 'the snooping task to be done');
      // The server answers only with the token: the daemon did hold it.
      expect(new Set(server.requests().map((r) => r.authorization))).toEqual(new Set([`Bearer ${TOKEN}`]));
      if ('token' in tokenConfig) expect(instance.stderr()).toMatch(/source\.token is a secret in plaintext/);

      const seen = JSON.parse(await readFile(report, 'utf8')) as { cwd: string; files: string[] };
      // The workspace is in the cache folder, not in the data dir.
      expect(relative(data, seen.cwd).startsWith('..')).toBe(true);
      expect(seen.cwd.startsWith(join(dir, 'cache', 'nightshift', 'workspaces'))).toBe(true);
      // The agent did reach the data dir (run-config.json, the database, the logs) ...
      expect(seen.files).toContain(join(data, 'run-config.json'));
      expect(seen.files).toContain(join(data, 'nightshift.db'));
      // ... and no file it could read holds the token.
      expect(await holdingToken(seen.files)).toEqual([]);

      instance.child.kill('SIGTERM');
      expect((await instance.exited).code).toBe(0);
      // After a clean stop too (WAL checkpointed into the database file): nothing in the data dir.
      expect(await holdingToken(await filesUnder(data))).toEqual([]);
    },
    60_000,
  );
});

describe('--data-dir on an existing directory', () => {
  it('refuses one that others can write, in one line, and leaves its mode alone', async () => {
    const shared = join(dir, 'shared');
    await mkdir(shared, { mode: 0o777 });
    const { chmod, stat } = await import('node:fs/promises');
    await chmod(shared, 0o777);
    const result = await cli(['run', '--data-dir', shared, '--agent', 'true']);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual([
      `nightshift: data dir ${shared} can be written by others (mode 0777); run "chmod go-w ${shared}" or use another --data-dir`,
    ]);
    expect((await stat(shared)).mode & 0o777).toBe(0o777);
  });
});
