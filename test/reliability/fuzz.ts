/**
 * Fuzzing, full form: `npm run prove:fuzz` (tsx test/reliability/fuzz.ts [--messages N] [--seed S]).
 * 10 000 random and mutated contract messages through each transport into a
 * real core, addTask payloads, raw WebSocket frames and 1 000 mutated config
 * files. Prints one row per campaign; exits 1 when a property broke, with
 * fast-check's shrunk counterexample and the seed to replay it.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { printTable } from '../../bench/support/simulated-daemon';
import { runAllCampaigns } from './support/fuzz-campaigns';

const args = z
  .strictObject({
    messages: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
    seed: z.coerce.number().int().default(20_260_101),
  })
  .parse(parseArgs({ options: { messages: { type: 'string' }, seed: { type: 'string' } } }).values);

async function main(): Promise<void> {
  const figures = await runAllCampaigns({
    contract: args.messages,
    payloads: Math.ceil(args.messages / 5),
    rawFrames: Math.ceil(args.messages / 5),
    configs: 1_000,
    seed: args.seed,
  });
  printTable(
    `Fuzzing (seed ${args.seed})`,
    ['campaign', 'inputs', 'correct results', 'rejections by code', 'broken', 'crashes', 'time'],
    figures.map((f) => [
      f.campaign,
      f.runs,
      f.results,
      Object.entries(f.errors)
        .sort((a, b) => b[1] - a[1])
        .map(([code, n]) => `${code} ${n}`)
        .join(', '),
      f.failure ? 'YES' : 'no',
      f.crashes.length,
      `${(f.ms / 1000).toFixed(1)} s`,
    ]),
  );
  const broken = figures.filter((f) => f.failure || f.crashes.length > 0);
  for (const f of broken) console.log(`\n${f.campaign}:\n${f.failure ?? f.crashes.join('\n')}`);
  if (broken.length > 0) process.exitCode = 1;
  else
    console.log('Every input got a validation error or a correct result; nothing crashed; nothing was written on a rejection.');
}

void main();
