/**
 * The window between spawning the agent wrapper and the wrapper starting the
 * agent: a runner killed there must not leave an agent the restart cannot see
 * (no wrapper record yet) and would therefore run a second time. A real
 * "runner" child process spawns the real wrapper and is killed with SIGKILL
 * while the wrapper still waits for its prompt.
 */
import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wrapperArgv } from '../../src-main/core/runtimes/agent-wrapper';
import { readWrapperRecord } from '../../src-main/core/runtimes/run-folder';
import { isLive, tempDir } from './helpers';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ path: dir, cleanup } = await tempDir('ns-wrapgone-'));
});
afterEach(() => cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * Runs a stand-in runner that spawns the wrapper (agent: a script that
 * leaves a marker file), sends `prompt` without ending the wrapper's stdin,
 * reports the wrapper's pid and waits to be killed.
 */
async function runnerWithPendingWrapper(runDir: string, marker: string, prompt: string | undefined) {
  const agent = [process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran')`];
  const script = `
    const { spawn } = require('child_process');
    const [program, ...args] = JSON.parse(process.env.WRAPPER_ARGV).map((a) => a === 'RUNNER_PID' ? String(process.pid) : a);
    const wrapper = spawn(program, args, { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    wrapper.stdin.write(process.env.PROMPT || '');
    console.log(wrapper.pid);
    setInterval(() => {}, 1000);
  `;
  // The runner's pid is known only inside it: a placeholder, swapped there.
  const argv = wrapperArgv(runDir, 1_000, prompt, agent).map((a, i, all) =>
    i === all.indexOf(String(process.pid)) ? 'RUNNER_PID' : a,
  );
  const runner = spawn(process.execPath, ['-e', script], {
    env: { PATH: process.env.PATH ?? '', WRAPPER_ARGV: JSON.stringify(argv), PROMPT: prompt ?? '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const wrapperPid = await new Promise<number>((resolve, reject) => {
    runner.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    runner.once('exit', () => reject(new Error('the runner exited early')));
  });
  return { runner, wrapperPid };
}

describe('agent wrapper whose runner dies before the agent starts', () => {
  it.each([
    ['the prompt on argv (no stdin prompt)', undefined],
    ['the whole prompt already sent on stdin', 'fix the bug'],
  ])('starts no agent and leaves no record: %s', async (_label, prompt) => {
    const runDir = join(dir, 'runs', 's_1', '1');
    const marker = join(dir, 'agent-ran');
    const { runner, wrapperPid } = await runnerWithPendingWrapper(runDir, marker, prompt);
    // Let the wrapper get going (it records itself), then kill the runner: its
    // end of the stdin pipe closes, which is all the wrapper waits for.
    for (let i = 0; i < 250 && !(await readWrapperRecord(runDir)); i++) await sleep(20);
    runner.kill('SIGKILL');
    for (let i = 0; i < 250 && (await isLive(wrapperPid)); i++) await sleep(20);

    expect(await isLive(wrapperPid)).toBe(false);
    await sleep(200); // an agent, had one been started, has written its marker by now
    expect(await exists(marker)).toBe(false);
    // No record: the restart sees no run to adopt, and the task runs once, there.
    expect(await readWrapperRecord(runDir)).toBeNull();
  });

  it('starts the agent while its runner lives (the check does not get in the way)', async () => {
    const runDir = join(dir, 'runs', 's_1', '1');
    const marker = join(dir, 'agent-ran');
    const agent = [process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran')`];
    const [program, ...args] = wrapperArgv(runDir, 1_000, 'go', agent);
    const wrapper = spawn(program!, args, { stdio: ['pipe', 'ignore', 'ignore'] });
    wrapper.stdin.end('go');
    const code = await new Promise<number | null>((resolve) => wrapper.once('exit', resolve));
    expect(code).toBe(0);
    expect(await exists(marker)).toBe(true);
  });
});
