/**
 * The window between spawning the agent wrapper and the end of the runner's
 * handover: a runner killed there must not leave an agent the restart cannot
 * see and would therefore run a second time. A real "runner" child process
 * spawns the real wrapper and is killed with SIGKILL before it ends the
 * handover; the kernel then closes the pipe, which the wrapper must tell
 * apart from the runner's own close (the end byte, agent-wrapper.ts).
 */
import { spawn } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WRAPPER_INCOMPLETE_PROMPT, wrapperArgv, wrapperStdin } from '../../src-main/core/runtimes/agent-wrapper';
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

  it('a handover closed without its end byte starts nothing, even with the whole prompt and its runner alive', async () => {
    const runDir = join(dir, 'runs', 's_1', '1');
    const marker = join(dir, 'agent-ran');
    const agent = [process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran')`];
    const [program, ...args] = wrapperArgv(runDir, 1_000, 'go', agent);
    const wrapper = spawn(program!, args, { stdio: ['pipe', 'ignore', 'ignore'] });
    wrapper.stdin.end('go');
    const code = await new Promise<number | null>((resolve) => wrapper.once('exit', resolve));
    expect(code).toBe(WRAPPER_INCOMPLETE_PROMPT);
    expect(await exists(marker)).toBe(false);
    expect(await readWrapperRecord(runDir)).toBeNull();
  });

  it('starts the agent with exactly the prompt after a complete handover', async () => {
    const runDir = join(dir, 'runs', 's_1', '1');
    const marker = join(dir, 'agent-ran');
    // The agent saves what it read on stdin: the prompt, without the end byte.
    const save = `let d = ''; process.stdin.on('data', (c) => (d += c)).on('end', () => require('fs').writeFileSync(${JSON.stringify(marker)}, d))`;
    const [program, ...args] = wrapperArgv(runDir, 1_000, 'fix the bug: ünïcode', [process.execPath, '-e', save]);
    const wrapper = spawn(program!, args, { stdio: ['pipe', 'ignore', 'ignore'] });
    wrapper.stdin.end(wrapperStdin('fix the bug: ünïcode'));
    const code = await new Promise<number | null>((resolve) => wrapper.once('exit', resolve));
    expect(code).toBe(0);
    expect(await readFile(marker, 'utf8')).toBe('fix the bug: ünïcode');
  });
});
