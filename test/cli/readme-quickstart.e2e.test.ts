/**
 * The README's headless quick start, run verbatim (issue 12, "Done means"):
 * agent.js and the three commands are read out of README.md, and run by a
 * shell in an empty temporary folder where `npx nightshift` resolves to this
 * package the way an installed dependency would (node_modules/nightshift and
 * its bin link; npm in offline mode, so nothing can come from the registry).
 * Only NIGHTSHIFT_HOME is set, to keep the data out of the real home.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ROOT, tempDir, waitFor } from './harness';

/** The fenced blocks of `lang` in the README's "Headless quick start" section. */
function quickStartBlocks(lang: string): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Headless quick start');
  const end = readme.indexOf('\n## ', start + 1);
  expect(start).toBeGreaterThanOrEqual(0);
  const section = readme.slice(start, end);
  return [...section.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1]!);
}

let folder: string;
let run: ChildProcess | null = null;

function shell(line: string, env: NodeJS.ProcessEnv): ChildProcess {
  // detached: its own process group, so the whole npx → node chain can be signalled.
  return spawn('/bin/sh', ['-c', line], { cwd: folder, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
}

function finish(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

beforeAll(async () => {
  assertBuilt();
  folder = await tempDir('readme');
  await writeFile(join(folder, 'package.json'), '{ "private": true }\n');
  await mkdir(join(folder, 'node_modules', '.bin'), { recursive: true });
  await symlink(ROOT, join(folder, 'node_modules', 'nightshift'));
  await symlink('../nightshift/bin/nightshift.js', join(folder, 'node_modules', '.bin', 'nightshift'));
});

afterAll(async () => {
  if (run?.pid && run.exitCode === null) process.kill(-run.pid, 'SIGKILL');
  await rm(folder, { recursive: true, force: true });
});

describe('README quick start', () => {
  it('runs verbatim in an empty folder and completes a task', async () => {
    const [agentJs] = quickStartBlocks('js');
    const [commands] = quickStartBlocks('sh');
    expect(agentJs).toBeDefined();
    await writeFile(join(folder, 'agent.js'), agentJs!);
    const lines = commands!
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    expect(lines).toHaveLength(3);
    const [runLine, addLine, tasksLine] = lines as [string, string, string];
    expect(runLine).toMatch(/^npx nightshift run /);

    const env = {
      ...process.env,
      NIGHTSHIFT_HOME: join(folder, 'home'),
      npm_config_offline: 'true',
      npm_config_update_notifier: 'false',
    };
    run = shell(runLine, env);
    const ran = finish(run);
    let runErr = '';
    run.stderr!.on('data', (c: Buffer) => {
      runErr += c.toString();
    });
    await waitFor(() => / running 1 daemon/.test(runErr), 60_000, `"${runLine}" to start`);

    const added = await finish(shell(addLine, env));
    expect(added.code, added.stderr).toBe(0);
    const id = added.stdout.trim();
    expect(id).toMatch(/^t_/);

    let table = '';
    await waitFor(
      async () => {
        const listed = await finish(shell(tasksLine, env));
        table = listed.stdout;
        return listed.code === 0 && new RegExp(`^${id}\\s+done\\b`, 'm').test(table);
      },
      60_000,
      'the task to be done',
      500,
    );
    expect(table).toMatch(/Fix the flaky test/);
    // The agent ran with `agent.js` resolved against this folder, not the task's scratch workspace.
    expect(existsSync(join(folder, 'done.txt'))).toBe(true);
    expect(readFileSync(join(folder, 'done.txt'), 'utf8')).toBe('Fix the flaky test\n');

    process.kill(-run.pid!, 'SIGTERM');
    const exit = await ran;
    expect(runErr).toMatch(/stopped/);
    expect(exit.code === 0 || exit.code === null).toBe(true);
  }, 180_000);
});
