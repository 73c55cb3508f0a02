/**
 * The short form of the push recovery rows of `npm run prove:faults`: after a
 * one-minute outage (long enough that a growing reconnect backoff would wait
 * 20 s and more), SSE, long poll and LISTEN are back with the server, and a
 * task added 2 s after its return starts within 1 s. Real sources, real loop,
 * real HTTP server and PostgreSQL; waits skipped (support/push-recovery.ts).
 */
import { describe, expect, it } from 'vitest';
import { describePg, useTestDatabase } from '../support/postgres';
import { type RecoveryChannel, runPushRecovery } from './support/push-recovery';
import { pushRecoveryFindings } from './support/verdicts';

const OUTAGE_MS = 60_000;

async function expectRecovered(channel: RecoveryChannel): Promise<void> {
  const figures = await runPushRecovery(channel, OUTAGE_MS);
  expect(figures.skipped).toBeUndefined();
  // Back within about a second of the return (a refused connection is retried at ~1 s), not after 20 s.
  expect(figures.firstAnswerMs).toBeLessThan(2_000);
  expect(pushRecoveryFindings([figures])).toEqual([]);
}

describe('push recovery after a one-minute outage', () => {
  it('SSE', () => expectRecovered('sse'), 60_000);
  it('long poll', () => expectRecovered('longpoll'), 60_000);
});

describePg('LISTEN recovery after a one-minute outage', () => {
  useTestDatabase(); // makes sure the local server runs; the scenario makes its own database
  it('PostgreSQL LISTEN', () => expectRecovered('listen'), 60_000);
});
