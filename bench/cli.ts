/**
 * How fast the CLI answers: median wall time of `node bin/nightshift.js
 * --version`, `task add` (offline, on the database; and through a running
 * instance) and `tasks`, each as a ratio to `node -e 0` measured in the same
 * run, interleaved round by round so machine load hits every row alike.
 * Goals (issue 12): --version ≤ 1.5×, task add and tasks ≤ 2.5×.
 *
 *   npx tsx bench/cli.ts [--rounds 15]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { numberArg, ratio, reportTarget, summarize } from './support/bench-results';

const ROOT = resolve(__dirname, '..');
const BIN = join(ROOT, 'bin', 'nightshift.js');
const rounds = numberArg('rounds', 15);

function timed(args: string[]): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolvePromise(ms);
    });
  });
}

function startInstance(dataDir: string): Promise<ChildProcess> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, 'run', '--agent', 'true', '--data-dir', dataDir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (/ running \d+ daemon/.test(stderr)) resolvePromise(child);
    });
    child.on('exit', (code) => reject(new Error(`nightshift run exited ${code}: ${stderr}`)));
  });
}

async function main(): Promise<void> {
  const dir = await mkdtemp('/tmp/ns-bench-cli-');
  const offline = join(dir, 'offline');
  const live = join(dir, 'live');
  const rows: { name: string; args: string[]; goal: number | null }[] = [
    { name: 'node -e 0 (baseline)', args: ['-e', '0'], goal: null },
    { name: 'nightshift --version', args: [BIN, '--version'], goal: 1.5 },
    { name: 'nightshift --help', args: [BIN, '--help'], goal: null },
    { name: 'task add (offline, on the database)', args: [BIN, 'task', 'add', 'bench task', '--data-dir', offline], goal: 2.5 },
    { name: 'tasks (offline, on the database)', args: [BIN, 'tasks', '--data-dir', offline], goal: 2.5 },
    { name: 'task add (through a running instance)', args: [BIN, 'task', 'add', 'bench task', '--data-dir', live], goal: 2.5 },
    { name: 'tasks (through a running instance)', args: [BIN, 'tasks', '--data-dir', live], goal: 2.5 },
  ];
  // The instance is paused below, so the bench measures the CLI, not agents.
  const instance = await startInstance(live);
  try {
    await timed([BIN, 'pause', '--data-dir', live]);
    await timed([BIN, 'task', 'add', 'warm-up', '--data-dir', offline]);
    const samples = rows.map(() => [] as number[]);
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < rows.length; i++) samples[i]!.push(await timed(rows[i]!.args));
    }
    const medians = samples.map((s) => summarize(s).p50);
    const base = medians[0]!;
    console.log(`\n### CLI wall time, median of ${rounds} interleaved rounds (ratio to \`node -e 0\` in the same run)\n`);
    console.log('| command | median | ratio | goal |');
    console.log('|---|---|---|---|');
    rows.forEach((row, i) => {
      console.log(
        `| ${row.name} | ${medians[i]!.toFixed(0)} ms | ${i === 0 ? '1×' : ratio(medians[i]!, base)} | ${row.goal ? `≤ ${row.goal}×` : ''} |`,
      );
    });
    rows.forEach((row, i) => {
      if (row.goal === null) return;
      const r = medians[i]! / base;
      reportTarget({
        name: `CLI ${row.name}`,
        target: `≤ ${row.goal}× node -e 0`,
        measured: `${r.toFixed(2)}× (${medians[i]!.toFixed(0)} ms vs ${base.toFixed(0)} ms)`,
        met: r <= row.goal,
      });
    });
  } finally {
    instance.kill('SIGTERM');
    await new Promise((r) => instance.once('exit', r));
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
