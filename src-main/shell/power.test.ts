import { describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock';
import { decidePower, INITIAL_POWER_STATE, needsBatteryPolling, type PowerEvent, type PowerState, pollBattery } from './power';

type View = { name: string; paused: boolean };
const on = { pauseOnBattery: true };
const off = { pauseOnBattery: false };

/** Replays events, pausing/waking the fake daemons the way the shell would. */
function replay(events: PowerEvent[], daemons: View[], settings = off) {
  let state: PowerState = INITIAL_POWER_STATE;
  const log: string[] = [];
  for (const event of events) {
    const d = decidePower(event, state, daemons, settings);
    state = d.state;
    for (const name of d.pause) daemons.find((x) => x.name === name)!.paused = true;
    for (const name of d.wake) daemons.find((x) => x.name === name)!.paused = false;
    log.push(`${event}: pause[${d.pause}] wake[${d.wake}]`);
  }
  return { log, state };
}

describe('decidePower', () => {
  it('suspend pauses running loops, resume wakes them', () => {
    const { log } = replay(
      ['suspend', 'resume'],
      [
        { name: 'a', paused: false },
        { name: 'b', paused: false },
      ],
    );
    expect(log).toEqual(['suspend: pause[a,b] wake[]', 'resume: pause[] wake[a,b]']);
  });
  it('keeps a daemon the user paused paused across a suspend', () => {
    const daemons = [
      { name: 'a', paused: false },
      { name: 'mine', paused: true },
    ];
    const { log } = replay(['suspend', 'resume'], daemons);
    expect(log).toEqual(['suspend: pause[a] wake[]', 'resume: pause[] wake[a]']);
    expect(daemons.find((d) => d.name === 'mine')!.paused).toBe(true);
  });
  it('unlock-screen wakes running daemons (tick now) and lock-screen does nothing', () => {
    const { log } = replay(['lock-screen', 'unlock-screen'], [{ name: 'a', paused: false }]);
    expect(log).toEqual(['lock-screen: pause[] wake[]', 'unlock-screen: pause[] wake[a]']);
  });
  it('pauses on battery only when the setting is on, and wakes on AC', () => {
    expect(replay(['on-battery', 'on-ac'], [{ name: 'a', paused: false }], off).log).toEqual([
      'on-battery: pause[] wake[]',
      'on-ac: pause[] wake[]',
    ]);
    expect(replay(['on-battery', 'on-ac'], [{ name: 'a', paused: false }], on).log).toEqual([
      'on-battery: pause[a] wake[]',
      'on-ac: pause[] wake[a]',
    ]);
  });
  it('stays paused until the last hold is released (suspend on battery, resume, then AC)', () => {
    const { log, state } = replay(['on-battery', 'suspend', 'resume', 'on-ac'], [{ name: 'a', paused: false }], on);
    expect(log).toEqual([
      'on-battery: pause[a] wake[]',
      'suspend: pause[] wake[]',
      'resume: pause[] wake[]',
      'on-ac: pause[] wake[a]',
    ]);
    expect(state).toEqual(INITIAL_POWER_STATE);
  });
  it('does not wake a daemon that no longer exists', () => {
    const d = decidePower('resume', { holds: ['suspend'], pausedByPower: ['gone'] }, [{ name: 'a', paused: true }], off);
    expect(d.wake).toEqual([]);
  });
});

describe('battery polling where Electron has no on-battery event', () => {
  it('is needed everywhere but macOS (electron.d.ts: on-battery is @platform darwin)', () => {
    expect(needsBatteryPolling('darwin')).toBe(false);
    expect(needsBatteryPolling('win32')).toBe(true);
    expect(needsBatteryPolling('linux')).toBe(true);
  });

  it('reports changes as on-battery/on-ac, at most once a minute, and stops', async () => {
    const clock = new FakeClock();
    let onBattery = false;
    let reads = 0;
    const events: string[] = [];
    const stop = pollBattery({
      clock,
      isOnBattery: () => {
        reads++;
        return onBattery;
      },
      initial: false,
      onChange: (event) => events.push(event),
      everyMs: 1_000, // asking for more than once a minute is clamped
    });
    onBattery = true;
    await clock.advance(59_000);
    expect(reads).toBe(0);
    await clock.advance(1_000);
    expect(events).toEqual(['on-battery']);
    await clock.advance(60_000);
    expect(events).toEqual(['on-battery']); // no change, no event
    onBattery = false;
    await clock.advance(60_000);
    expect(events).toEqual(['on-battery', 'on-ac']);
    expect(reads).toBe(3);
    stop();
    onBattery = true;
    await clock.advance(600_000);
    expect(reads).toBe(3);
  });

  it('with pause-on-battery, the polled events pause and then resume', () => {
    const daemons = [{ name: 'a', paused: false }];
    const onBattery = decidePower('on-battery', INITIAL_POWER_STATE, daemons, on);
    expect(onBattery.pause).toEqual(['a']);
    const back = decidePower('on-ac', onBattery.state, [{ name: 'a', paused: true }], on);
    expect(back.wake).toEqual(['a']);
  });
});
