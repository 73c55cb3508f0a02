import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../../src-main/headless/commands/cli-error';
import { resolveRunConfig } from '../../src-main/headless/commands/run-config';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-runcfg-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function usageError(promise: Promise<unknown>): Promise<CliError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CliError);
  expect((err as CliError).exitCode).toBe(2);
  return err as CliError;
}

describe('resolveRunConfig', () => {
  it('--agent "CMD ARGS" becomes one local daemon running that argv on stdin', async () => {
    const { config } = await resolveRunConfig({ agent: ['node "my agent.mjs" --fast'], maxConcurrent: 3 });
    expect(config.daemons).toHaveLength(1);
    expect(config.daemons[0]).toMatchObject({
      name: 'local',
      source: { kind: 'local', queue: 'default' },
      runtime: { kind: 'command', command: ['node', 'my agent.mjs', '--fast'], promptVia: 'stdin' },
      maxConcurrent: 3,
    });
  });

  it('repeated --agent values and words after -- are taken as argv unsplit', async () => {
    const a = await resolveRunConfig({ agent: ['node', 'has space.js'] });
    expect(a.config.daemons[0]!.runtime).toMatchObject({ command: ['node', 'has space.js'] });
    const b = await resolveRunConfig({ agentArgv: ['claude', '-p', '{prompt}'] });
    expect(b.config.daemons[0]!.runtime).toMatchObject({ command: ['claude', '-p', '{prompt}'], promptVia: 'arg' });
  });

  it('a bad config file names the wrong key and is a usage error', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(
      path,
      JSON.stringify({
        daemons: [{ name: 'a', source: { kind: 'local' }, runtime: { kind: 'command', command: ['x'] }, maxConcurrent: 0 }],
      }),
    );
    const err = await usageError(resolveRunConfig({ config: path }));
    expect(err.message).toMatch(/daemons\[0\]\.maxConcurrent/);
  });

  it('reports invalid JSON and unreadable files as usage errors', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '{ "daemons": [');
    expect((await usageError(resolveRunConfig({ config: path }))).message).toMatch(/not valid JSON/);
    expect((await usageError(resolveRunConfig({ config: join(dir, 'missing.json') }))).message).toMatch(/cannot read config/);
  });

  it('explains both ways to start when given neither a config nor an agent', async () => {
    const err = await usageError(resolveRunConfig({}));
    expect(err.message).toMatch(/--config/);
    expect(err.message).toMatch(/--agent "node agent.js"/);
  });

  it('refuses contradictory options', async () => {
    await usageError(resolveRunConfig({ config: 'x.json', agent: ['node a.js'] }));
    await usageError(resolveRunConfig({ agent: ['node a.js'], agentArgv: ['node', 'b.js'] }));
    await usageError(resolveRunConfig({ config: 'x.json', maxConcurrent: 2 }));
  });

  it('refuses an unparsable or empty --agent with the reason', async () => {
    expect((await usageError(resolveRunConfig({ agent: ['node "oops'] }))).message).toMatch(/--agent: unterminated double quote/);
    expect((await usageError(resolveRunConfig({ agent: ['   '] }))).message).toMatch(/--agent: the command is empty/);
  });

  it('--agent: relative paths resolve against the shell cwd once, at start (never the task workspace)', async () => {
    const shell = join(dir, 'shell');
    await mkdir(join(shell, 'bin'), { recursive: true });
    await writeFile(join(shell, 'agent.js'), '');
    const { config } = await resolveRunConfig({ agent: ['node agent.js --model x missing.js ./bin/run'], cwd: shell });
    expect(config.daemons[0]!.runtime).toMatchObject({
      // `node` is a PATH lookup; agent.js exists beside the shell; options and words naming nothing there stay as is.
      command: ['node', join(shell, 'agent.js'), '--model', 'x', 'missing.js', './bin/run'],
    });
    const program = await resolveRunConfig({ agent: ['./bin/agent.sh {prompt}'], cwd: shell });
    expect(program.config.daemons[0]!.runtime).toMatchObject({ command: [join(shell, 'bin', 'agent.sh'), '{prompt}'] });
  });

  it("a config's relative command and binary resolve against the config file's folder", async () => {
    const folder = join(dir, 'project');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'agent.js'), '');
    const path = join(folder, 'nightshift.json');
    await writeFile(
      path,
      JSON.stringify({
        daemons: [
          { name: 'a', source: { kind: 'local' }, runtime: { kind: 'command', command: ['node', 'agent.js'] } },
          { name: 'b', source: { kind: 'local' }, runtime: { kind: 'claude', binary: 'tools/claude' } },
          { name: 'c', source: { kind: 'local' }, runtime: { kind: 'codex', binary: 'codex' } },
        ],
      }),
    );
    // Given relative to a different cwd: the file's folder still wins.
    const { config } = await resolveRunConfig({ config: path, cwd: dir });
    expect(config.daemons.map((d) => d.runtime)).toMatchObject([
      { command: ['node', join(folder, 'agent.js')] },
      { binary: join(folder, 'tools', 'claude') },
      { binary: 'codex' },
    ]);
  });
});
