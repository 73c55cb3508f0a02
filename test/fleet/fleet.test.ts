/**
 * A fleet of 20 real daemons (real loops, real HTTP sources, real SQLite
 * files) against one fixture server over loopback, through a 5-minute 503
 * outage on a FakeClock. Without jitter they retry in lockstep; with jitter
 * (full jitter on the error backoff, ±10 % on idle delays) the retries spread
 * out, so the server's peak requests per second drops.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FLEET_DEFAULTS, type FleetResult, runFleet } from '../../bench/sources/fleet';

const DAEMONS = FLEET_DEFAULTS.daemons;

describe('a fleet of 20 daemons after an outage', () => {
  let lockstep: FleetResult;
  // The un-jittered run is the baseline the jittered ones are compared with.
  beforeAll(async () => {
    lockstep = await runFleet({ ...FLEET_DEFAULTS, jitter: false });
  });

  it('without jitter: every retry and every poll after the heal comes from all 20 daemons in the same second', () => {
    expect(lockstep.peakPerSecond).toBe(DAEMONS);
    // Every non-empty second holds the whole fleet: the herd never breaks up.
    expect(lockstep.perSecond.every(([, n]) => n === DAEMONS)).toBe(true);
    // Error backoff 20, 40, 60, 60 … s over a 5-minute outage: a handful of retries each, not a storm.
    expect(lockstep.requestsDuringOutage / DAEMONS).toBeGreaterThanOrEqual(3);
    expect(lockstep.requestsDuringOutage / DAEMONS).toBeLessThanOrEqual(8);
    expect(lockstep.recoveryMs).not.toBeNull();
  });

  it.each([1, 2, 3])(
    'with jitter (seed %i): the peak is under half the lockstep peak, and the fleet still recovers',
    async (seed) => {
      const spread = await runFleet({ ...FLEET_DEFAULTS, jitter: true, seed });
      expect(spread.peakPerSecond).toBeLessThan(0.5 * DAEMONS);
      // The same kind of load, spread over many more distinct seconds.
      expect(spread.perSecond.length).toBeGreaterThan(5 * lockstep.perSecond.length);
      expect(spread.requestsDuringOutage).toBeGreaterThan(0);
      // Full jitter waits U(1 s, backoff): every daemon is back within one 60 s backoff cap after the heal.
      expect(spread.recoveryMs).not.toBeNull();
      expect(spread.recoveryMs!).toBeLessThanOrEqual(60_000);
    },
  );
});
