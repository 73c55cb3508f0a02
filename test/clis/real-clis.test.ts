/**
 * Nightshift against the real agent CLIs (claude, codex, gemini from npm),
 * offline: every flag Nightshift passes is one the CLI's own parser knows,
 * and whole runs through the real loop end as environment failures (task
 * given back, runtime paused with the reason), never as failed tasks.
 * Scratch HOME for every run: no real credential is ever read. Skipped with
 * one line when the CLIs are not installed (NIGHTSHIFT_CLI_CACHE, see
 * test/runtimes/real-clis.ts; .ci/run installs them).
 */
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandlers } from '../../src-main/api/handlers';
import { FakeClock } from '../../src-main/core/clock';
import { parseConfig } from '../../src-main/core/config';
import { createSupervisor } from '../../src-main/core/create-supervisor';
import { claudeCli } from '../../src-main/core/runtimes/claude';
import type { AgentCliConfig, CliDefinition } from '../../src-main/core/runtimes/cli-runtime';
import { codexCli } from '../../src-main/core/runtimes/codex';
import { geminiCli } from '../../src-main/core/runtimes/gemini';
import type { Supervisor } from '../../src-main/core/supervisor';
import { runtimeCell } from '../../src-main/headless/commands/status-format';
import { makeSpec } from '../runtimes/helpers';
import { realCli } from '../runtimes/real-clis';
import { tempDirsPerTest } from '../support/temp-dir';

const run = promisify(execFile);
const CLAUDE = realCli('claude');
const CODEX = realCli('codex');
const GEMINI = realCli('gemini');
const ALL = CLAUDE && CODEX && GEMINI;
if (!ALL) console.log('real-clis: skipped, the real claude/codex/gemini CLIs are not installed (NIGHTSHIFT_CLI_CACHE)');

const tempDir = tempDirsPerTest();
const TIMEOUT = 120_000;
let sup: Supervisor | null = null;
afterEach(async () => {
  await sup?.stop({ agentGraceMs: 1_000 });
  sup = null;
});

async function help(binary: string, args: string[], home: string): Promise<string> {
  const { stdout } = await run(binary, [...args, '--help'], {
    env: { PATH: process.env.PATH ?? '', HOME: home },
    timeout: 30_000,
  });
  return stdout;
}

/**
 * Runs the real CLI with this argv in a scratch HOME, stdin given and closed (or at EOF at once for null),
 * killed after 30 s: codex reads its prompt from stdin until EOF, so an open stdin would hang it.
 */
function runCli(
  binary: string,
  argv: string[],
  home: string,
  stdin: string | null,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, argv, {
      cwd: home,
      env: { PATH: process.env.PATH ?? '', HOME: home },
      stdio: [stdin === null ? 'ignore' : 'pipe', 'ignore', 'pipe'],
      timeout: 30_000,
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdin?.end(stdin);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** Every option Nightshift puts in this argv (the `--x` / `-x` words), minus values. */
function optionsOf(argv: string[]): string[] {
  return [...new Set(argv.filter((a) => /^--?[a-zA-Z]/.test(a)).map((a) => a.split('=')[0]!))];
}

function argvOf(
  cli: CliDefinition,
  config: Partial<AgentCliConfig> & { kind: AgentCliConfig['kind'] },
  resume: boolean,
): string[] {
  const { spec } = makeSpec(
    '/tmp',
    'do it',
    resume ? { isResume: true, resumeToken: '11111111-2222-3333-4444-555555555555' } : {},
  );
  const full = { extraArgs: [], env: {}, timeoutMs: 60_000, stallMs: 60_000, model: 'm', ...config } as AgentCliConfig;
  return cli.invocation(spec, full).argv;
}

async function until(clock: FakeClock | null, what: string, probe: () => boolean | Promise<boolean>, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await clock?.advance(0);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!ALL)('every flag Nightshift passes is known to the real CLI’s parser', () => {
  it(
    'claude --help lists each option of a first run and a resume',
    async () => {
      const text = await help(CLAUDE!, [], tempDir());
      for (const opt of optionsOf([
        ...argvOf(claudeCli, { kind: 'claude' }, false),
        ...argvOf(claudeCli, { kind: 'claude' }, true),
      ])) {
        expect(text, opt).toContain(opt);
      }
    },
    TIMEOUT,
  );

  it(
    'codex: exec and exec resume each accept their own argv, also with extraArgs that only exec knows',
    async () => {
      const home = tempDir();
      const extraArgs = ['--sandbox', 'workspace-write', '--add-dir', '/tmp'];
      const exec = await help(CODEX!, ['exec'], home);
      const resume = await help(CODEX!, ['exec', 'resume'], home);
      for (const opt of optionsOf(argvOf(codexCli, { kind: 'codex', extraArgs }, false).slice(1)))
        expect(exec, opt).toContain(opt);
      const resumeArgv = argvOf(codexCli, { kind: 'codex', extraArgs }, true);
      expect(resumeArgv).not.toContain('--sandbox');
      for (const opt of optionsOf(resumeArgv.slice(2))) expect(resume, opt).toContain(opt);
    },
    TIMEOUT,
  );

  it(
    'codex’s own parser accepts the exec argv and the resume argv (stdin closed: no hang), and refuses the old resume argv',
    async () => {
      const home = tempDir();
      const extraArgs = ['--sandbox', 'workspace-write', '--add-dir', '/tmp'];
      // A parser error is exit 2 with "error: unexpected argument …" (clap); an argv it accepts reaches the
      // prompt check: with stdin at EOF, "No prompt provided via stdin." and exit 1, without touching the network.
      const exec = await runCli(CODEX!, argvOf(codexCli, { kind: 'codex', extraArgs }, false), home, null);
      expect(exec).toMatchObject({ code: 1, stderr: expect.stringContaining('No prompt provided via stdin.') });
      expect(exec.stderr).not.toMatch(/unexpected argument|Usage:/);
      const resumeArgv = argvOf(codexCli, { kind: 'codex', extraArgs }, true);
      const resume = await runCli(CODEX!, resumeArgv, home, null);
      expect(resume).toMatchObject({ code: 1, stderr: expect.stringContaining('No prompt provided via stdin.') });
      expect(resume.stderr).not.toMatch(/unexpected argument|Usage:/);
      // With the prompt on stdin (as Nightshift gives it, then closes stdin) the resume gets past the
      // parser to the thread lookup: the thread does not exist in this HOME.
      const lookedUp = await runCli(CODEX!, resumeArgv, home, 'Continue.');
      expect(lookedUp).toMatchObject({ code: 1, stderr: expect.stringMatching(/no rollout found for thread id 11111111-/) });
      // The control: the resume argv before resumeExtraArgs existed is what the parser refuses.
      const old = [...resumeArgv.slice(0, -2), '--sandbox', 'workspace-write', ...resumeArgv.slice(-2)];
      expect(await runCli(CODEX!, old, home, null)).toMatchObject({
        code: 2,
        stderr: expect.stringContaining("error: unexpected argument '--sandbox' found"),
      });
    },
    TIMEOUT,
  );

  it(
    'gemini --help lists each option, --skip-trust included',
    async () => {
      const text = await help(GEMINI!, [], tempDir());
      for (const opt of optionsOf([
        ...argvOf(geminiCli, { kind: 'gemini' }, false),
        ...argvOf(geminiCli, { kind: 'gemini' }, true),
      ])) {
        expect(text, opt).toContain(opt);
      }
      expect(argvOf(geminiCli, { kind: 'gemini' }, false)).toContain('--skip-trust');
    },
    TIMEOUT,
  );
});

describe.skipIf(!ALL)('whole runs through the loop with the real CLIs, offline', () => {
  it(
    'claude logged out, 5 tasks queued: 0 failed, at most 2 runs in 5 (simulated) minutes, status names the reason and the next probe',
    async () => {
      const dir = tempDir();
      const clock = new FakeClock();
      const { config } = parseConfig({
        daemons: [
          {
            name: 'claude',
            source: { kind: 'local' },
            runtime: { kind: 'claude', binary: CLAUDE!, env: { HOME: dir } },
            maxConcurrent: 2,
            jitter: false,
          },
        ],
      });
      sup = await createSupervisor({ dataDir: join(dir, 'data'), config, clock });
      for (let i = 0; i < 5; i++) await createHandlers(sup).addTask({ prompt: `task ${i}` });
      const daemon = () => sup!.snapshot().daemons[0]!;
      await until(clock, 'the runtime paused', () => daemon().runtime.pauseKind === 'environment');
      const start = clock.now();
      while (clock.now() - start < 5 * 60_000) {
        await clock.advance(10_000);
        await until(null, 'a settled tick', () => true);
        await new Promise((r) => setTimeout(r, 100));
      }
      await until(
        clock,
        'the last probe to settle',
        () => daemon().runtime.pauseKind === 'environment' && daemon().runtime.pausedUntil !== null,
      );
      const tasks = await createHandlers(sup).listTasks({});
      expect(tasks.filter((t) => t.status === 'failed')).toEqual([]);
      expect(sup.sessions.list({}).length).toBeLessThanOrEqual(2);
      const cell = runtimeCell(daemon());
      expect(cell).toMatch(
        /^claude 2\.1\.\d+ \(unavailable: Not logged in.*; next probe \d{2}:\d{2}\)$|^claude.*Not logged in.*next probe/,
      );
    },
    TIMEOUT,
  );

  it(
    'codex with a fake key and no network: stopped after stallMs, the task back in the queue, the runtime paused with a network reason',
    async () => {
      const dir = tempDir();
      const { config } = parseConfig({
        daemons: [
          {
            name: 'codex',
            source: { kind: 'local' },
            runtime: { kind: 'codex', binary: CODEX!, stallMs: 5_000, env: { HOME: dir, OPENAI_API_KEY: 'sk-fake' } },
            pollIntervalMs: 500,
            jitter: false,
          },
        ],
      });
      sup = await createSupervisor({ dataDir: join(dir, 'data'), config });
      const started = Date.now();
      await createHandlers(sup).addTask({ prompt: 'Fix the build' });
      const daemon = () => sup!.snapshot().daemons[0]!;
      await until(null, 'the runtime paused', () => daemon().runtime.pauseKind === 'environment');
      await until(
        null,
        'the task back in the queue',
        async () => (await createHandlers(sup!).listTasks({}))[0]!.status === 'todo',
      );
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(daemon().runtime.pauseReason).toMatch(/waiting for network|Reconnecting/);
      expect(sup.sessions.list({})[0]).toMatchObject({ outcome: 'released', attempt: 1 });
    },
    TIMEOUT,
  );

  it(
    'gemini with a fake key: a prompt starting with "-" reaches the CLI intact; no network → stalled → paused with a network reason',
    async () => {
      const dir = tempDir();
      const { config } = parseConfig({
        daemons: [
          {
            name: 'gemini',
            source: { kind: 'local' },
            // gemini takes ~10 s to start and print its first retry here: a stall before it is a task failure.
            runtime: { kind: 'gemini', binary: GEMINI!, stallMs: 40_000, env: { HOME: dir, GEMINI_API_KEY: 'fake' } },
            pollIntervalMs: 500,
            jitter: false,
          },
        ],
      });
      sup = await createSupervisor({ dataDir: join(dir, 'data'), config });
      await createHandlers(sup).addTask({ prompt: '- fix the build\n- run the tests' });
      const daemon = () => sup!.snapshot().daemons[0]!;
      await until(null, 'the runtime paused', () => daemon().runtime.pauseKind === 'environment');
      expect(daemon().runtime.pauseReason).toMatch(/fetch failed|Retrying/);
      const session = sup.sessions.list({})[0]!;
      const log = readFileSync(session.logPath!, 'utf8');
      expect(log).toContain('"role":"user","content":"- fix the build\\n- run the tests"');
      await until(
        null,
        'the task back in the queue',
        async () => (await createHandlers(sup!).listTasks({}))[0]!.status === 'todo',
      );
    },
    TIMEOUT,
  );

  it(
    'claude with a fake key resuming a session that no longer exists: starts over (no failure), then stalls on the network',
    async () => {
      const dir = tempDir();
      const { config } = parseConfig({
        daemons: [
          {
            name: 'claude',
            source: { kind: 'local' },
            runtime: {
              kind: 'claude',
              binary: CLAUDE!,
              stallMs: 5_000,
              env: { HOME: dir, ANTHROPIC_API_KEY: 'sk-ant-api03-fake' },
            },
          },
        ],
      });
      const rt = (await import('../../src-main/core/runtimes')).createRuntime(config.daemons[0]!.runtime);
      const { spec, events } = makeSpec(dir, 'Continue.', {
        isResume: true,
        resumeToken: '11111111-2222-3333-4444-555555555555',
      });
      const handle = rt.start(spec);
      await until(null, 'the fresh start', () => events.some((e) => e.type === 'output' && /cannot resume/.test(e.line)));
      await until(null, 'a retry line', () => events.some((e) => e.type === 'output' && e.retry === true));
      await handle.stop('stalled');
      expect(await handle.done).toMatchObject({ kind: 'environment', cause: 'network' });
    },
    TIMEOUT,
  );
});
