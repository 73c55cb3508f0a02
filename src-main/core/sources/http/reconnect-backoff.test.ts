import { describe, expect, it } from 'vitest';
import { FAST_REFUSED_WINDOW_MS } from '../refused-streak';
import { ReconnectBackoff } from './reconnect-backoff';

describe('ReconnectBackoff', () => {
  it('never goes below the base and doubles its jitter window per failure up to the cap', () => {
    const top = new ReconnectBackoff({ baseMs: 1000, capMs: 10_000, random: () => 0.999999, now: () => 0 });
    expect([1, 2, 3, 4, 5].map(() => top.next())).toEqual([1999, 2999, 4999, 8999, 10_000]);
    const bottom = new ReconnectBackoff({ baseMs: 1000, capMs: 10_000, random: () => 0, now: () => 0 });
    expect([1, 2, 3].map(() => bottom.next())).toEqual([1000, 1000, 1000]);
  });

  it('honours a server-set base (SSE retry:) and starts over after reset', () => {
    const backoff = new ReconnectBackoff({ baseMs: 1000, capMs: 60_000, random: () => 0.5, now: () => 0 });
    backoff.next();
    backoff.next();
    backoff.setBase(5000);
    backoff.reset();
    expect(backoff.next()).toBe(7500);
    expect(backoff.next()).toBe(10_000);
  });

  it('retries refused connections on the short delay for FAST_REFUSED_WINDOW_MS, then grows like any failure', () => {
    let now = 0;
    const backoff = new ReconnectBackoff({ baseMs: 1000, capMs: 60_000, random: () => 0.999999, now: () => now });
    const delays: number[] = [];
    while (now < FAST_REFUSED_WINDOW_MS + 10 * 60_000) {
      const delay = backoff.nextRefused();
      delays.push(delay);
      now += delay;
    }
    // At the top of the jitter, 2 s apart for the window (10 min / 2 s ≈ 300 attempts), then growing up to a minute.
    const fast = Math.ceil(FAST_REFUSED_WINDOW_MS / 1999);
    expect(new Set(delays.slice(0, fast))).toEqual(new Set([1999]));
    expect(delays.slice(fast, fast + 7)).toEqual([1999, 2999, 4999, 8999, 16_999, 32_999, 60_000]);
    // A connection ends the streak: the next refusal is short again.
    backoff.reset();
    expect(backoff.nextRefused()).toBe(1999);
  });

  it('another kind of failure ends a streak of refusals', () => {
    let now = 0;
    const backoff = new ReconnectBackoff({ baseMs: 1000, capMs: 60_000, random: () => 0, now: () => now });
    backoff.nextRefused();
    now = FAST_REFUSED_WINDOW_MS - 1;
    backoff.next(); // e.g. a 502 from a proxy in front of the server
    now += 5_000;
    expect(backoff.nextRefused()).toBe(1000); // a new streak: short again
  });

  it('asks for a log line only at the 1st, 2nd, 4th, 8th… failure in a row', () => {
    const backoff = new ReconnectBackoff({ baseMs: 1000, capMs: 60_000, random: () => 0, now: () => 0 });
    const logged: number[] = [];
    for (let failure = 1; failure <= 100; failure++) {
      if (backoff.worthLogging) logged.push(failure);
      backoff.nextRefused();
    }
    expect(logged).toEqual([1, 2, 4, 8, 16, 32, 64]);
    backoff.reset();
    expect(backoff.worthLogging).toBe(true);
  });
});
