/**
 * Crash injection, full form: `npm run prove:crash` (tsx test/reliability/crash.ts).
 * 100 kill -9 cycles of `nightshift run` per source (local queue, HTTP fixture
 * server, PostgreSQL when available), then a table of what the crashes cost.
 * Exits 1 when any figure that must be zero is not.
 *
 *   tsx test/reliability/crash.ts [--cycles N] [--sources local,http,postgres] [--seed S]
 */
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { assertBuilt, tempDir } from '../cli/harness';
import { type CrashReport, formatCrashTable, violations } from './support/crash-accounting';
import { runCrashCycles } from './support/crash-cycles';
import { readDatabase } from './support/crash-database';
import { socketDatabaseAdmin } from './support/crash-postgres-admin';
import { type CrashWorld, dbPathOf, httpWorld, localWorld, postgresWorld, type SourceKind } from './support/crash-worlds';

const argsSchema = z.object({
  cycles: z.coerce.number().int().min(1).max(10_000),
  sources: z.array(z.enum(['local', 'http', 'postgres'])).min(1),
  seed: z.coerce.number().int(),
});

function parseCommandLine() {
  const { values } = parseArgs({
    options: {
      cycles: { type: 'string', default: '100' },
      sources: { type: 'string', default: 'local,http,postgres' },
      seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    },
  });
  const parsed = argsSchema.safeParse({ ...values, sources: values.sources?.split(',') });
  if (!parsed.success) {
    console.error(`bad arguments: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
    process.exit(2);
  }
  return parsed.data;
}

async function makeWorld(kind: SourceKind, dir: string): Promise<CrashWorld | string> {
  if (kind === 'local') return localWorld(`${dir}/data`, () => readDatabase(dbPathOf(`${dir}/data`)).tasks);
  if (kind === 'http') return httpWorld();
  const admin = await socketDatabaseAdmin();
  return typeof admin === 'string' ? `PostgreSQL skipped: ${admin}` : postgresWorld(admin);
}

async function main(): Promise<void> {
  const args = parseCommandLine();
  assertBuilt();
  const reports: CrashReport[] = [];
  for (const kind of args.sources) {
    const dir = await tempDir(`crash-${kind}`);
    const world = await makeWorld(kind, dir);
    if (typeof world === 'string') {
      console.log(world);
      continue;
    }
    try {
      reports.push(
        await runCrashCycles({
          world,
          dir,
          cycles: args.cycles,
          seed: args.seed,
          drainTimeoutMs: 300_000,
          log: (line) => console.error(line),
        }),
      );
    } finally {
      await world.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
  console.log(`\nCrash injection, seed ${args.seed}, ${args.cycles} cycles per source\n`);
  console.log(formatCrashTable(reports));
  const failed = reports.flatMap((r) => violations(r).map((v) => `${r.kind}: ${v}`));
  if (failed.length) {
    console.log(`\nFAILED:\n${failed.join('\n')}`);
    process.exit(1);
  }
  console.log('\nAll figures that must be zero are zero.');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
