/**
 * The "busy" rows of bench/idle.ts: what a daemon whose every slot is busy on
 * a long task costs the server, per busy slot and day. The real HTTP source
 * and DaemonLoop against the fixture task server, on a {@link SkipAheadClock}
 * (a simulated day, real loopback requests), with an agent that runs until
 * stopped. Without push the loop checks each running task on the idle curve
 * (10 s → 120 s, reset by a status change); with SSE connected the server
 * pushes status changes, so it does not check at all (loop/phases.ts,
 * killCancelled). Goal (issue 13): no more than the same source costs idle.
 */
import { sourceConfigSchema } from '../../src-main/core/config';
import type { AgentHandle, AgentOutcome, AgentRuntime } from '../../src-main/core/runtimes/port';
import { createHttpSource, type HttpSourceConfig } from '../../src-main/core/sources/http';
import type { Endpoint } from '../../test/fixtures/task-server/faults';
import { startTaskServer } from '../../test/fixtures/task-server/server';
import { instantAgent } from '../../test/support/build-daemon-loop';
import { seededRandom } from '../support/simulated-daemon';
import { benchDaemon, DEFAULT_TUNING, runFor } from './bench-daemon';
import { DAY_MS } from './http-rows';
import { SkipAheadClock } from './skip-ahead-clock';

const HOUR_MS = 60 * 60 * 1000;

export interface BusyRow {
  name: string;
  slots: number;
  /** Every request to the server over the simulated day, divided by the busy slots. */
  requestsPerSlotPerDay: number;
  /** The same day's requests by endpoint (all slots together). */
  byEndpoint: Partial<Record<Endpoint, number>>;
}

/** An agent that works until it is stopped (a task far longer than the measured day). */
const longAgent: AgentRuntime = {
  ...instantAgent,
  // Two days: longer than the measured 25 hours, and under setTimeout's 2^31 ms limit.
  timeoutMs: 2 * DAY_MS,
  start(): AgentHandle {
    let finish!: (outcome: AgentOutcome) => void;
    const done = new Promise<AgentOutcome>((resolve) => {
      finish = resolve;
    });
    return { pid: undefined, done, stop: async (reason) => finish({ kind: 'stopped', reason }) };
  },
};

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function measureBusyRow(mode: 'plain' | 'sse', slots: number): Promise<BusyRow> {
  const server = await startTaskServer({ mode });
  for (let i = 0; i < slots; i++) server.addTask({ title: `long task ${i}` });
  const clock = new SkipAheadClock();
  const config = sourceConfigSchema.parse({ kind: 'http', url: server.url }) as HttpSourceConfig;
  const source = createHttpSource(config, { daemon: 'busy', clock, random: seededRandom(11), eventStreamIdleMs: 3 * DAY_MS });
  const daemon = benchDaemon('busy', source, { ...DEFAULT_TUNING, maxConcurrent: slots }, clock, seededRandom(7), longAgent);
  try {
    daemon.loop.start();
    const deadline = Date.now() + 10_000;
    while (daemon.dispatches.length < slots || (mode === 'sse' && !source.pushHealthy())) {
      if (Date.now() > deadline) throw new Error(`bench: ${slots} slots not busy (${daemon.dispatches.length} started)`);
      await realSleep(5);
    }
    // An hour for the check curve to settle at its cap, then the measured day.
    await runFor(daemon.loop, clock, HOUR_MS);
    const before = server.counts();
    await runFor(daemon.loop, clock, DAY_MS);
    const after = server.counts();
    if (daemon.loop.pool.activeCount !== slots) throw new Error('bench: a slot went idle during the busy day');
    const byEndpoint: Partial<Record<Endpoint, number>> = {};
    let total = 0;
    for (const endpoint of Object.keys(after) as Endpoint[]) {
      const n = after[endpoint] - before[endpoint];
      if (n > 0) byEndpoint[endpoint] = n;
      total += n;
    }
    return {
      name: mode === 'sse' ? 'HTTP SSE (push connected)' : 'HTTP plain poll (no push)',
      slots,
      requestsPerSlotPerDay: Math.round(total / slots),
      byEndpoint,
    };
  } finally {
    await daemon.close();
    clock.dispose();
    await server.close();
  }
}
