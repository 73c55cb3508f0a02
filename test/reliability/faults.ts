/**
 * Fault injection, full form: `npm run prove:faults` (tsx test/reliability/faults.ts [--seeds N]).
 * The real HTTP source and DaemonLoop against the fixture task server on a
 * fault schedule, time simulated. Prints the figures; exits 1 when a promise
 * is broken (the short form, faults.test.ts, asserts the same in `npm test`).
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { printTable } from '../../bench/support/simulated-daemon';
import { runFaultMatrix } from './support/fault-scenarios';
import { ADDED_AFTER_RETURN_MS, PICKUP_GOAL_MS, type PushRecoveryFigures, runPushRecovery } from './support/push-recovery';
import { runStorm, type StormFigures } from './support/storm-scenario';
import { faultFindings, pushRecoveryFindings, stormFindings } from './support/verdicts';

const args = z
  .strictObject({ seeds: z.coerce.number().int().min(1).max(1_000).default(20) })
  .parse(parseArgs({ options: { seeds: { type: 'string' } } }).values);

const STORM_MS = 10 * 60_000;
/** A restart, a short outage, a long one. */
const OUTAGES_MS = [10_000, 60_000, 5 * 60_000];
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const findings: string[] = [];
  const storms: StormFigures[] = [await runStorm({ stormMs: STORM_MS, jitter: false })];
  for (let seed = 1; seed <= args.seeds; seed++) storms.push(await runStorm({ stormMs: STORM_MS, jitter: true, seed }));
  for (const f of storms) findings.push(...stormFindings(f));

  const exact = storms[0]!;
  printTable(
    `10-minute 5xx storm on every endpoint (base ${s(exact.pollIntervalMs)}, ${args.seeds} jittered seeds)`,
    [
      'run',
      'ticks',
      'bound (ticks)',
      'requests',
      'fixed poll ticks',
      'ratio to fixed poll',
      'last error delay',
      'recovery',
      'reports applied',
      'crashes',
    ],
    storms.map((f, i) => [
      f.jitter ? `full jitter, seed ${i}` : 'no jitter',
      f.stormTicks,
      f.jitter
        ? `mean ${f.jittered!.mean.toFixed(1)}, p99 ${f.jittered!.p99}, max ${f.jittered!.max}`
        : `exactly ${f.expectedTicks}`,
      f.stormRequests,
      f.fixedPollTicks,
      (f.stormTicks / f.fixedPollTicks).toFixed(2),
      s(f.lastErrorDelayMs),
      s(Math.round(f.recoveryMs)),
      `${f.completeApplied} of ${f.completeAttempts} attempts (${f.completeKeys} key); survivor ${f.survivorApplied}`,
      f.crashes.length,
    ]),
  );
  console.log(`Storm delays without jitter (s): ${exact.storm.delays.map((d) => d / 1000).join(', ')}\n`);

  for (const jitter of [false, true]) {
    const m = await runFaultMatrix({ jitter, seed: 1 });
    findings.push(...faultFindings(m));
    printTable(
      `Single faults (${jitter ? 'full jitter' : 'no jitter'}; request timeout 300 ms, body limit 256 KiB)`,
      ['fault', 'endpoint', 'delay chosen', 'required', 'next tick after', 'recovered', 'error recorded'],
      m.rows.map((r) => [
        r.fault,
        r.endpoint,
        s(r.chosenDelayMs),
        r.delayOk
          ? `${jitter && !r.fault.startsWith('429') ? '≤ ' : '= '}${s(r.expectedDelayMs)}`
          : `MISSED ${s(r.expectedDelayMs)}`,
        s(Math.round(r.nextTickGapMs)),
        r.recovered ? 'yes' : 'NO',
        r.error.length > 70 ? `${r.error.slice(0, 69)}…` : r.error,
      ]),
    );
    console.log(
      `Report through reset + hang + 502: ${m.report.applied} applied of ${m.report.attempts} attempts, ${m.report.keys} Idempotency-Key, ${m.report.failRequests} fail requests; running task stopped by faults: ${m.runningTaskStopped ? 'YES' : 'no'}`,
    );
    console.log(
      `401: state ${m.unauthorized.state}, notice ${m.unauthorized.notice ? 'yes' : 'no'}, requests in the next simulated hour ${m.unauthorized.requestsWhileStopped}, resumed after Wake ${m.unauthorized.resumedAfterWake ? 'yes' : 'no'}; crashes ${m.crashes.length}\n`,
    );
  }

  const recoveries: PushRecoveryFigures[] = [];
  for (const channel of ['sse', 'longpoll', 'listen'] as const) {
    for (const outageMs of OUTAGES_MS) recoveries.push(await runPushRecovery(channel, outageMs));
  }
  findings.push(...pushRecoveryFindings(recoveries));
  printPushRecovery(recoveries);

  if (findings.length > 0) {
    console.log(`BROKEN (${findings.length}):\n${findings.map((f) => `  - ${f}`).join('\n')}`);
    process.exitCode = 1;
  } else {
    console.log('All fault-injection promises held.');
  }
}

const CHANNEL_NAMES = { sse: 'SSE', longpoll: 'long poll', listen: 'PostgreSQL LISTEN' } as const;

function printPushRecovery(rows: PushRecoveryFigures[]): void {
  printTable(
    "Push recovery after an outage (real source and loop, real requests, waits skipped; clock time from the server's return)",
    [
      'channel',
      'outage',
      'first request answered',
      'push healthy',
      `pickup of a task added ${s(ADDED_AFTER_RETURN_MS)} after the return`,
      `goal ≤ ${s(PICKUP_GOAL_MS)}`,
    ],
    rows.map((r) =>
      r.skipped
        ? [CHANNEL_NAMES[r.channel], s(r.outageMs), r.skipped, '', '', 'skipped']
        : [
            CHANNEL_NAMES[r.channel],
            s(r.outageMs),
            `after ${s(r.firstAnswerMs)}`,
            `after ${s(r.pushBackMs)}`,
            `${Math.round(r.pickupMs)} ms`,
            r.pickupMs <= PICKUP_GOAL_MS ? 'met' : 'MISSED',
          ],
    ),
  );
  console.log(
    'A refused connection (the server down, its port closed) is retried after about a second: it costs the server nothing. Other failures wait out the growing reconnect backoff, which the first request the server answers ends at once (server_back).\n',
  );
}

void main();
