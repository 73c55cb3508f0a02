/**
 * The machinery behind the remote-source rows of bench/idle.ts, on a small
 * run: the real HTTP source and loop against the fixture server over
 * loopback, idle time skipped. Asserts what the rows must show (request
 * counts the tuning implies; push pickup in milliseconds, poll pickup on the
 * timer), not how fast the machine is.
 */
import { describe, expect, it } from 'vitest';
import { measureBusyRow } from '../../bench/sources/busy-rows';
import { measureHttpRow } from '../../bench/sources/http-rows';

describe('bench source rows', () => {
  it('SSE: one stream and a 30-minute backstop listing a day (≤ 100 requests); every pickup well under a second', async () => {
    const row = await measureHttpRow('sse', { arrivals: 5, longPollWindowMs: 0 });
    // 86 400 s / 1 800 s = 48 backstop ticks, ±10 % jitter: the goal is ≤ 100.
    expect(row.requestsPerDay).toBeGreaterThanOrEqual(43);
    expect(row.requestsPerDay).toBeLessThanOrEqual(100);
    expect(row.ticksPerDay).toBe(row.requestsPerDay);
    expect(row.latencies).toHaveLength(5);
    expect(Math.max(...row.latencies)).toBeLessThan(1_000);
  });

  it('plain polling: the idle backoff settles at the 120 s cap (≈ 720 a day) and pickup waits for the timer', async () => {
    const row = await measureHttpRow('plain', { arrivals: 5, longPollWindowMs: 0 });
    expect(row.requestsPerDay).toBeGreaterThanOrEqual(650);
    expect(row.requestsPerDay).toBeLessThanOrEqual(800);
    // At the cap (±10 %), a task waits for the next poll: never more than ~132 s, and not milliseconds.
    expect(Math.max(...row.latencies)).toBeLessThanOrEqual(133_000);
    expect(row.latencies.filter((ms) => ms > 1_000).length).toBeGreaterThanOrEqual(4);
  });

  it('busy: a slot busy all day costs what idle polling does (one GET per check on the 120 s cap), nothing while SSE pushes', async () => {
    const plain = await measureBusyRow('plain', 1);
    // No listing while no slot is free; only the running task's checks.
    expect(Object.keys(plain.byEndpoint)).toEqual(['get']);
    // The idle plain row's range above (≈ 720 a day at the cap): before, a GET per 10 s tick, 8 640 a day.
    expect(plain.requestsPerSlotPerDay).toBeGreaterThanOrEqual(650);
    expect(plain.requestsPerSlotPerDay).toBeLessThanOrEqual(800);
    const sse = await measureBusyRow('sse', 1);
    expect(sse.byEndpoint).toEqual({});
  }, 120_000);
});
