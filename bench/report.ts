/**
 * `npm run bench`: runs every bench as its own process, one after another (a
 * bench must not share the CPU with another bench), and writes
 * docs/performance.md: the machine, the targets (measured, met or missed,
 * and for a miss the cause and the fix the bench found), then each bench's
 * own tables.
 *
 *   npx tsx bench/report.ts            full runs (~5 min)
 *   npx tsx bench/report.ts --quick    short forms, for a smoke run (~1.5 min)
 *   add --skip-build to reuse out/ (the idle-process bench runs the built CLI)
 *   add --out FILE to write elsewhere (default docs/performance.md)
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { TargetResult } from './support/bench-results';
import { type BenchRun, consoleTableRow, runBench } from './support/run-bench';

const ROOT = resolve(__dirname, '..');
const quick = process.argv.includes('--quick');
const outAt = process.argv.indexOf('--out');
const OUT = outAt === -1 ? join(ROOT, 'docs', 'performance.md') : resolve(process.argv[outAt + 1] ?? '');
const CHART_TARGET_MS = 8;

interface BenchSpec {
  file: string;
  title: string;
  args: string[];
  quickArgs: string[];
  /** Targets a bench cannot print itself (another engineer's bench with its own format). */
  extractTargets?(run: BenchRun): TargetResult[];
}

const BENCHES: BenchSpec[] = [
  {
    file: 'bench/idle.ts',
    title: 'Idle requests and pickup latency per source mode',
    args: [],
    quickArgs: ['--arrivals', '200'],
  },
  { file: 'bench/tick-cost.ts', title: 'Tick cost, 50 daemons × 8 slots', args: [], quickArgs: ['--rounds', '50'] },
  { file: 'bench/writes.ts', title: 'Session transition write latency', args: [], quickArgs: ['--sessions', '300'] },
  { file: 'bench/db-size.ts', title: 'Database size after 30 simulated days', args: [], quickArgs: ['--days', '7'] },
  {
    file: 'bench/idle-process.ts',
    title: 'Idle CPU and RSS of `nightshift run`',
    args: ['--seconds', '60'],
    quickArgs: ['--seconds', '10', '--settle-seconds', '15'],
  },
  {
    file: 'bench/cli.ts',
    title: 'CLI start-up: --version, task add, tasks',
    args: ['--rounds', '15'],
    quickArgs: ['--rounds', '5'],
  },
  {
    file: 'bench/render.ts',
    title: 'Dashboard render in Chromium',
    args: [],
    quickArgs: [],
    extractTargets: chartTargets,
  },
];

/** The chart target from the render bench's console.table: applying a tick to a 10 000-point chart. */
function chartTargets(run: BenchRun): TargetResult[] {
  const row = consoleTableRow(run.output, 'ticks', '10,000');
  const update = row?.['apply 1 pushed tick'];
  if (!row || !update) {
    return [
      {
        name: 'chart update, 10 000 points',
        target: `≤ ${CHART_TARGET_MS} ms`,
        measured: 'not measured',
        met: false,
        note: 'the render bench printed no 10,000-tick row',
      },
    ];
  }
  const ms = Number.parseFloat(update);
  return [
    {
      name: 'chart update, 10 000 points',
      target: `≤ ${CHART_TARGET_MS} ms`,
      measured: `${update} per pushed tick (build + first draw ${row['backoff chart build+draw'] ?? '?'})`,
      met: ms <= CHART_TARGET_MS,
    },
  ];
}

function run(command: string, args: string[]): Promise<number | null> {
  return new Promise((done, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('close', done);
  });
}

function machine(): string[] {
  const model = cpus()[0]?.model ?? 'unknown CPU';
  const osRelease = existsSync('/etc/os-release')
    ? /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1]
    : undefined;
  return [
    `- date: ${new Date().toISOString()}`,
    `- CPU: ${model}, ${availableParallelism()} cores; memory ${(totalmem() / 1024 ** 3).toFixed(1)} GB`,
    `- OS: ${osRelease ?? process.platform}; Node ${process.version}`,
    `- load average when the report started: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (a shared machine: other jobs ran at the same time)`,
    `- mode: ${quick ? 'quick (short forms; figures are indicative)' : 'full'}`,
  ];
}

function markdown(runs: BenchRun[], specs: BenchSpec[], skipped: string[]): string {
  const targets = runs.flatMap((r) => r.targets);
  const esc = (s: string) => s.replaceAll('|', '\\|');
  const lines = [
    '# Performance',
    '',
    `Written by \`npm run bench\` (bench/report.ts${quick ? ' --quick' : ''}); do not edit by hand. Each bench runs alone`,
    'in its own process; ratios are against a baseline measured in the same run.',
    '',
    '## Machine',
    '',
    ...machine(),
    '',
    '## Targets',
    '',
    '| target | goal | measured | result |',
    '| --- | --- | --- | --- |',
    ...targets.map((t) => `| ${esc(t.name)} | ${esc(t.target)} | ${esc(t.measured)} | ${t.met ? 'met' : '**missed**'} |`),
    '',
  ];
  const missed = targets.filter((t) => !t.met);
  if (missed.length > 0) {
    lines.push('### Missed targets: cause and fix', '');
    for (const t of missed) lines.push(`- **${t.name}** (${t.measured}): ${t.note ?? 'no cause recorded'}`);
    lines.push('');
  }
  const remarks = targets.filter((t) => t.met && t.note);
  if (remarks.length > 0) {
    lines.push('### Remarks', '');
    for (const t of remarks) lines.push(`- **${t.name}**: ${t.note}`);
    lines.push('');
  }
  if (skipped.length > 0) lines.push(`Not run: ${skipped.join(', ')}.`, '');
  for (const r of runs) {
    const spec = specs.find((s) => s.file === r.file)!;
    lines.push(
      `## ${spec.title}`,
      '',
      `\`npx tsx ${[r.file, ...r.args].join(' ')}\` — ${r.seconds.toFixed(1)} s${r.exitCode === 0 ? '' : `, **exit code ${r.exitCode}**`}`,
      '',
    );
    // Markdown tables (printTable) go in as they are; anything else (console.table) as a code block.
    const isMarkdown = r.output.split('\n').some((l) => l.startsWith('| '));
    lines.push(isMarkdown ? r.output : ['```', r.output, '```'].join('\n'), '');
    if (r.exitCode !== 0) lines.push('```', r.stderr.trim().split('\n').slice(-20).join('\n'), '```', '');
  }
  return `${lines.join('\n').trim()}\n`;
}

async function main(): Promise<void> {
  if (!process.argv.includes('--skip-build')) {
    console.error('building the CLI (npx electron-vite build) for the idle-process bench…');
    const code = await run('npx', ['electron-vite', 'build']);
    if (code !== 0) throw new Error(`electron-vite build failed (exit ${code})`);
  }
  const runs: BenchRun[] = [];
  const skipped: string[] = [];
  for (const spec of BENCHES) {
    if (!existsSync(join(ROOT, spec.file))) {
      skipped.push(`${spec.file} (missing)`);
      continue;
    }
    const args = quick ? spec.quickArgs : spec.args;
    console.error(`running ${spec.file} ${args.join(' ')}…`);
    const result = await runBench(ROOT, spec.file, args);
    if (spec.extractTargets && result.exitCode === 0) result.targets.push(...spec.extractTargets(result));
    if (result.exitCode !== 0) {
      result.targets.push({
        name: spec.title,
        target: 'runs',
        measured: `exit code ${result.exitCode}`,
        met: false,
        note: 'the bench failed; its stderr is in its section',
      });
    }
    runs.push(result);
  }
  await writeFile(OUT, markdown(runs, BENCHES, skipped));
  const missed = runs.flatMap((r) => r.targets).filter((t) => !t.met);
  console.error(
    `wrote ${relative(ROOT, OUT)}: ${missed.length === 0 ? 'every target met' : `${missed.length} target(s) missed`}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
