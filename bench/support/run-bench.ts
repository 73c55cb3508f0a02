/**
 * Runs one bench as a child process (`npx tsx FILE ARGS…`, an argument array,
 * no shell) and splits what it printed into its human output and its
 * `@target` verdicts.
 */
import { spawn } from 'node:child_process';
import { TARGET_PREFIX, type TargetResult, targetResultSchema } from './bench-results';

export interface BenchRun {
  file: string;
  args: string[];
  exitCode: number | null;
  seconds: number;
  /** stdout without the `@target` lines. */
  output: string;
  stderr: string;
  targets: TargetResult[];
}

export function runBench(root: string, file: string, args: string[]): Promise<BenchRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', file, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      process.stderr.write(chunk);
    });
    child.once('error', reject);
    child.once('close', (exitCode) => {
      const { output, targets } = parseBenchOutput(file, stdout);
      resolve({ file, args, exitCode, seconds: (performance.now() - started) / 1000, output, stderr, targets });
    });
  });
}

export function parseBenchOutput(file: string, stdout: string): { output: string; targets: TargetResult[] } {
  const targets: TargetResult[] = [];
  const kept: string[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(TARGET_PREFIX)) {
      kept.push(line);
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(line.slice(TARGET_PREFIX.length));
    } catch {
      throw new Error(`${file} printed a @target line that is not JSON: ${line}`);
    }
    const parsed = targetResultSchema.safeParse(json);
    if (!parsed.success) {
      throw new Error(
        `${file} printed a malformed @target line (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`,
      );
    }
    targets.push(parsed.data);
  }
  return { output: kept.join('\n').trim(), targets };
}

/**
 * Reads one row of a `console.table` print (the render bench's format):
 * the cells of the row whose `key` column equals `value`, by header name.
 */
export function consoleTableRow(output: string, key: string, value: string): Record<string, string> | null {
  const rows = output
    .split('\n')
    .filter((l) => l.startsWith('│'))
    .map((l) =>
      l
        .split('│')
        .slice(1, -1)
        .map((c) => c.trim().replace(/^'(.*)'$/, '$1')),
    );
  const header = rows[0];
  if (!header) return null;
  const at = header.indexOf(key);
  const row = rows.slice(1).find((r) => r[at] === value);
  return row ? Object.fromEntries(header.map((h, i) => [h, row[i] ?? ''])) : null;
}
