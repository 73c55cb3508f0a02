/**
 * How a bench hands its verdicts to bench/report.ts: besides its human table,
 * it prints one `@target {json}` line per target. The report reads those lines
 * (validated with zod: a bench's stdout is input like any other) and builds the
 * targets section from them, so figures are never copied by hand.
 */
import { z } from 'zod';
import { percentile } from './simulated-daemon';

export const TARGET_PREFIX = '@target ';

export const targetResultSchema = z.strictObject({
  /** Short name shown in the report, e.g. "tick cost p99 (50 × 8)". */
  name: z.string().min(1),
  /** The target as a human reads it, e.g. "≤ 5 ms". */
  target: z.string().min(1),
  /** The measured figure with its unit, e.g. "1.23 ms". */
  measured: z.string().min(1),
  met: z.boolean(),
  /** For a missed target: the cause found and the proposed fix; otherwise an optional remark. */
  note: z.string().optional(),
});
export type TargetResult = z.infer<typeof targetResultSchema>;

export function reportTarget(result: TargetResult): void {
  console.log(`${TARGET_PREFIX}${JSON.stringify(targetResultSchema.parse(result))}`);
}

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

/** "2.35×" against a baseline; "–" when the baseline is zero. */
export function ratio(value: number, baseline: number): string {
  if (!(baseline > 0)) return '–';
  const r = value / baseline;
  return `${r.toFixed(r < 0.1 ? 3 : r < 10 ? 2 : 1)}×`;
}

/** Reads `--name N` from argv; `fallback` when absent. Rejects a value that is not a positive number. */
export function numberArg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`--${name} needs a positive number, got ${JSON.stringify(process.argv[at + 1] ?? '')}`);
  }
  return value;
}
