/**
 * `task add` and `tasks` with no instance running work on the queue table
 * alone (headless/commands/offline-queue.ts): the real bin in a child
 * process, preloaded with a module trace, must not load the core, the
 * HTTP/PostgreSQL sources, the runtimes, zod or the control client; and it
 * keeps the running core's rules, read from the last run's saved config.
 * Through a running instance they load the control client, still without zod.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, cli, cliJson, cliOk, killIfRunning, ROOT, type RunningInstance, startRun, tempDir } from './harness';

let dir: string;
let dataDir: string;
let instance: RunningInstance | null = null;

beforeAll(() => {
  assertBuilt();
  core = coreChunks();
  expect(core.length, 'no out/main chunk holds the Supervisor').toBeGreaterThan(0);
});
beforeEach(async () => {
  dir = await tempDir('offq');
  dataDir = join(dir, 'data');
});
afterEach(async () => {
  killIfRunning(instance);
  instance = null;
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI with the module trace preloaded; returns the result and the modules it loaded (paths relative to the repo). */
async function traced(args: string[]) {
  const trace = join(dir, `trace-${Math.random().toString(36).slice(2)}.txt`);
  const result = await cli(args, {
    env: { NODE_OPTIONS: `--require ${join(ROOT, 'test', 'fixtures', 'module-trace.cjs')}`, NS_MODULE_TRACE: trace },
  });
  const modules = (await readFile(trace, 'utf8')).split('\n').map((p) => p.replace(`${ROOT}/`, ''));
  return { ...result, modules };
}

/**
 * The out/main chunks that hold the Supervisor, i.e. the core: found by their
 * text, since the bundler names a shared chunk after whichever module it
 * starts with, and moving files changes that name.
 */
function coreChunks(): RegExp[] {
  const dir = join(ROOT, 'out', 'main');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js') && /\bSupervisor = class\b|\bclass Supervisor\b/.test(readFileSync(join(dir, f), 'utf8')))
    .map((f) => new RegExp(`^out/main/${f.replaceAll('.', '\\.')}$`));
}

/** What the queue-only path must never load (chunk names of out/main, the core's chunks, and packages). */
const HEAVY = [
  /^node_modules\/zod\//,
  /^node_modules\/pg\//,
  /^node_modules\/ws\//,
  /^out\/main\/instance-access-/,
  /^out\/main\/instance-connect-/,
  /^out\/main\/protocol-/,
  /^out\/main\/dispatch-/,
];

let core: RegExp[] = [];
function heavyIn(modules: string[]): string[] {
  return modules.filter((m) => [...HEAVY, ...core].some((h) => h.test(m)));
}

describe('offline task add and tasks: the queue table alone', () => {
  it('load better-sqlite3 and the queue code, not the core, the sources, zod or the control client', async () => {
    const added = await traced(['task', 'add', 'offline work', '--data-dir', dataDir]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toMatch(/no nightshift instance running .* working on its database directly/);
    // The trace sees what loaded: the path did open SQLite through the queue code.
    expect(added.modules).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^node_modules\/better-sqlite3\//),
        expect.stringMatching(/^out\/main\/offline-queue-/),
      ]),
    );
    expect(heavyIn(added.modules)).toEqual([]);

    const listed = await traced(['tasks', '--json', '--data-dir', dataDir]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ id: added.stdout.trim(), status: 'todo', prompt: 'offline work' }]);
    expect(heavyIn(listed.modules)).toEqual([]);

    // The trace can fail: a command that does load the core shows it.
    const status = await traced(['status', '--data-dir', dataDir]);
    expect(status.code, status.stderr).toBe(0);
    expect(heavyIn(status.modules)).toEqual(
      expect.arrayContaining([expect.stringMatching(core[0]!), expect.stringMatching(/zod/)]),
    );
  });

  it('refuses what the running core refuses, in its words and exit code', async () => {
    const blank = await traced(['task', 'add', '  \n ', '--title', '', '--data-dir', dataDir]);
    expect(blank.code).toBe(2);
    expect(blank.stderr).toContain(
      [
        'nightshift: addTask arguments is invalid:',
        '  prompt: must not be blank (only whitespace)',
        '  title: Too small: expected string to have >=1 characters',
      ].join('\n'),
    );
    expect(heavyIn(blank.modules)).toEqual([]);
    const notDir = await cli(['task', 'add', 'x', '--cwd', join(dir, 'missing'), '--data-dir', dataDir]);
    expect(notDir.code).toBe(2);
    expect(notDir.stderr).toMatch(/cwd: ".*missing" is not a directory on this machine/);
    const badQueue = await cli(['tasks', '--queue', '', '--data-dir', dataDir]);
    expect(badQueue.code).toBe(2);
    expect(badQueue.stderr).toMatch(/listTasks arguments is invalid:\n {2}queue: Too small/);
    expect(await cliJson<unknown[]>(['tasks', '--data-dir', dataDir])).toEqual([]);
  });

  it('knows the daemons of the last run: unknown queue or runtime refused, a paused daemon named, long text previewed', async () => {
    instance = await startRun(['--agent', 'true', '--data-dir', dataDir]);
    await cliOk(['pause', '--data-dir', dataDir]);
    instance.child.kill('SIGTERM');
    await instance.exited;

    const typo = await traced(['task', 'add', 'x', '--queue', 'typo', '--data-dir', dataDir]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/unknown queue "typo"; known queues: default/);
    expect(heavyIn(typo.modules)).toEqual([]);
    const runtime = await cli(['task', 'add', 'x', '--runtime', 'claude', '--data-dir', dataDir]);
    expect(runtime.code).toBe(2);
    expect(runtime.stderr).toMatch(/unknown runtime "claude" for queue "default"; known runtimes: command/);

    const long = `${'é'.repeat(3000)} end`;
    const id = (await cliOk(['task', 'add', '-', '--title', 'long', '--data-dir', dataDir], { input: long })).trim();
    const [task] = await cliJson<{ id: string; prompt: string; blocked: string | null }[]>(['tasks', '--data-dir', dataDir]);
    expect(task!.id).toBe(id);
    expect(task!.prompt).toBe(long.slice(0, 2048));
    expect(task!.blocked).toMatch(/^daemon paused \(local/);
    expect(await cliOk(['tasks', '--data-dir', dataDir])).toMatch(/todo .*daemon paused \(local/);
  }, 60_000);

  it('through a running instance, task add and tasks load the control client and still no zod, core or sources', async () => {
    instance = await startRun(['--agent', 'true', '--data-dir', dataDir]);
    const added = await traced(['task', 'add', 'live work', '--data-dir', dataDir]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).not.toMatch(/working on its database directly/);
    expect(added.modules).toEqual(expect.arrayContaining([expect.stringMatching(/^out\/main\/instance-connect-/)]));
    const live = (modules: string[]) => heavyIn(modules).filter((m) => !/instance-connect-/.test(m));
    expect(live(added.modules)).toEqual([]);
    const listed = await traced(['tasks', '--json', '--data-dir', dataDir]);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ prompt: 'live work' }]);
    expect(live(listed.modules)).toEqual([]);
    expect(listed.modules.some((m) => m.includes('better-sqlite3'))).toBe(false);
  }, 60_000);
});
