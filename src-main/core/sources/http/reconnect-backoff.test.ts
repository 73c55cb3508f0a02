import { describe, expect, it } from 'vitest';
import { ReconnectBackoff } from './reconnect-backoff';

describe('ReconnectBackoff', () => {
  it('never goes below the base and doubles its jitter window per failure up to the cap', () => {
    const top = new ReconnectBackoff({ baseMs: 1000, capMs: 10_000, random: () => 0.999999 });
    expect([1, 2, 3, 4, 5].map(() => top.next())).toEqual([1999, 2999, 4999, 8999, 10_000]);
    const bottom = new ReconnectBackoff({ baseMs: 1000, capMs: 10_000, random: () => 0 });
    expect([1, 2, 3].map(() => bottom.next())).toEqual([1000, 1000, 1000]);
  });

  it('honours a server-set base (SSE retry:) and starts over after reset', () => {
    const backoff = new ReconnectBackoff({ baseMs: 1000, capMs: 60_000, random: () => 0.5 });
    backoff.next();
    backoff.next();
    backoff.setBase(5000);
    backoff.reset();
    expect(backoff.next()).toBe(7500);
    expect(backoff.next()).toBe(10_000);
  });
});
