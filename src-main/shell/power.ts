/**
 * Power events → daemon pauses and wakes, as a pure state machine.
 *
 * suspend pauses the loops (running agents go on; they are child processes and
 * sleep with the machine); resume and unlock-screen wake them (reset the idle
 * backoff, tick now: after a night's sleep the old delay means nothing). With
 * "pause new work on battery" on, on-battery pauses and on-ac wakes.
 *
 * Only daemons the *power handling* paused are resumed: a daemon the user
 * paused by hand stays paused across a suspend. Several holds (suspend,
 * battery) can overlap; the daemons come back when the last one is released.
 */
import type { Clock } from '../core/clock';

export const POWER_EVENTS = ['suspend', 'resume', 'lock-screen', 'unlock-screen', 'on-battery', 'on-ac'] as const;
export type PowerEvent = (typeof POWER_EVENTS)[number];

type Hold = 'suspend' | 'battery';

export interface PowerState {
  holds: Hold[];
  /** Daemons paused by a hold, to wake when the last hold goes. */
  pausedByPower: string[];
}

export const INITIAL_POWER_STATE: PowerState = { holds: [], pausedByPower: [] };

export interface DaemonPauseView {
  name: string;
  paused: boolean;
}

export interface PowerDecision {
  state: PowerState;
  pause: string[];
  wake: string[];
}

export function decidePower(
  event: PowerEvent,
  state: PowerState,
  daemons: readonly DaemonPauseView[],
  settings: { pauseOnBattery: boolean },
): PowerDecision {
  switch (event) {
    case 'suspend':
      return addHold(state, 'suspend', daemons);
    case 'on-battery':
      return settings.pauseOnBattery ? addHold(state, 'battery', daemons) : unchanged(state);
    case 'resume':
    case 'unlock-screen':
      return releaseHold(state, 'suspend', daemons);
    case 'on-ac':
      return releaseHold(state, 'battery', daemons);
    case 'lock-screen':
      // Locking is not leaving: agents keep working while the screen is locked.
      return unchanged(state);
  }
}

function unchanged(state: PowerState): PowerDecision {
  return { state, pause: [], wake: [] };
}

function addHold(state: PowerState, hold: Hold, daemons: readonly DaemonPauseView[]): PowerDecision {
  const running = daemons.filter((d) => !d.paused).map((d) => d.name);
  const holds = state.holds.includes(hold) ? state.holds : [...state.holds, hold];
  const pausedByPower = [...new Set([...state.pausedByPower, ...running])];
  return { state: { holds, pausedByPower }, pause: running, wake: [] };
}

function releaseHold(state: PowerState, hold: Hold, daemons: readonly DaemonPauseView[]): PowerDecision {
  // on-ac without a battery hold means nothing; resume/unlock always wakes (the spec's "wake after sleep").
  if (hold === 'battery' && !state.holds.includes('battery')) return unchanged(state);
  const holds = state.holds.filter((h) => h !== hold);
  if (holds.length > 0) return { state: { holds, pausedByPower: state.pausedByPower }, pause: [], wake: [] };
  // Wake what we paused, plus every running daemon (resume/unlock: tick now instead of sleeping out a stale backoff).
  const running = daemons.filter((d) => !d.paused).map((d) => d.name);
  const wake = [...new Set([...state.pausedByPower, ...running])].filter((name) => daemons.some((d) => d.name === name));
  return { state: INITIAL_POWER_STATE, pause: [], wake };
}

/**
 * Electron 45 emits `on-battery` on macOS only and `on-ac` on macOS and
 * Windows (electron.d.ts, PowerMonitor). Elsewhere the battery state is
 * polled, so "pause on battery" both pauses and resumes on every platform.
 */
export function needsBatteryPolling(platform: NodeJS.Platform): boolean {
  return platform !== 'darwin';
}

/** How often the battery state is polled where no event reports it: at most once a minute. */
export const BATTERY_POLL_MS = 60_000;

export interface BatteryPollOptions {
  clock: Clock;
  /** powerMonitor.isOnBatteryPower */
  isOnBattery(): boolean;
  /** The state already acted on at start (the caller's first read). */
  initial: boolean;
  onChange(event: 'on-battery' | 'on-ac'): void;
  everyMs?: number;
}

/** Reads the battery state every `everyMs` and reports changes as the events Electron would send; returns stop. */
export function pollBattery(options: BatteryPollOptions): () => void {
  const every = Math.max(options.everyMs ?? BATTERY_POLL_MS, BATTERY_POLL_MS);
  let last = options.initial;
  let cancel: (() => void) | null = null;
  const check = () => {
    const now = options.isOnBattery();
    if (now !== last) {
      last = now;
      options.onChange(now ? 'on-battery' : 'on-ac');
    }
    cancel = options.clock.setTimer(check, every);
  };
  cancel = options.clock.setTimer(check, every);
  return () => cancel?.();
}
