import { describe, expect, it } from 'vitest';
import { daemon, slot, snapshotOf } from '../../test/support/snapshot-builders';
import { buildTrayMenu } from './tray-menu';
import {
  BUSY_RETRY_MS,
  type CheckInput,
  DAY_MS,
  decideCheck,
  runningAgentsOf,
  updateMenuItem,
  updatesAvailability,
} from './updates-policy';

const NOW = Date.UTC(2026, 5, 1, 12);
const base: CheckInput = { now: NOW, trigger: 'schedule', lastCheckAt: null, runningAgents: 0, status: { kind: 'idle' } };

describe('updatesAvailability', () => {
  it('is off when unpackaged (npm start, npm run dev) and when turned off', () => {
    expect(updatesAvailability({ isPackaged: false, env: {} })).toMatchObject({ enabled: false });
    expect(updatesAvailability({ isPackaged: true, env: { NIGHTSHIFT_UPDATES: 'off' } })).toMatchObject({ enabled: false });
    expect(updatesAvailability({ isPackaged: true, env: {} })).toEqual({ enabled: true });
  });
});

describe('decideCheck', () => {
  it('checks when never checked and nothing runs', () => {
    expect(decideCheck(base)).toEqual({ check: true });
  });

  it('checks at most once a day on schedule', () => {
    const last = NOW - DAY_MS + 1;
    expect(decideCheck({ ...base, lastCheckAt: last })).toEqual({
      check: false,
      reason: 'checked-recently',
      retryAt: last + DAY_MS,
    });
    expect(decideCheck({ ...base, lastCheckAt: NOW - DAY_MS })).toEqual({ check: true });
  });

  it('never checks on schedule while agents run, and looks again later', () => {
    expect(decideCheck({ ...base, runningAgents: 2 })).toEqual({
      check: false,
      reason: 'agents-running',
      retryAt: NOW + BUSY_RETRY_MS,
    });
  });

  it('the user asking is the user saying so: agents running or checked an hour ago', () => {
    expect(decideCheck({ ...base, trigger: 'user', runningAgents: 3, lastCheckAt: NOW - 3_600_000 })).toEqual({ check: true });
  });

  it('does not check while checking, downloading or holding a downloaded update', () => {
    for (const status of [
      { kind: 'checking' },
      { kind: 'downloading', version: '1.2.0' },
      { kind: 'ready', version: '1.2.0' },
    ] as const) {
      expect(decideCheck({ ...base, trigger: 'user', status })).toMatchObject({ check: false, reason: 'busy' });
    }
  });

  it('a clock that went backwards does not block checks for a day', () => {
    expect(decideCheck({ ...base, lastCheckAt: NOW + 3_600_000 })).toEqual({ check: true });
  });
});

describe('updateMenuItem', () => {
  it('offers the restart when an update is ready, saying how many agents it stops', () => {
    expect(updateMenuItem({ kind: 'ready', version: '1.2.0' }, 0)).toEqual({
      id: 'update',
      type: 'normal',
      label: 'Restart to update to 1.2.0',
      action: { type: 'installUpdate' },
    });
    expect(updateMenuItem({ kind: 'ready', version: '1.2.0' }, 1).label).toBe(
      'Restart to update to 1.2.0 (stops 1 running agent)',
    );
    expect(updateMenuItem({ kind: 'ready', version: '1.2.0' }, 2).label).toBe(
      'Restart to update to 1.2.0 (stops 2 running agents)',
    );
  });

  it('shows an inert line while busy and the check action otherwise', () => {
    expect(updateMenuItem({ kind: 'downloading', version: '1.2.0' }, 0)).toMatchObject({
      label: 'Downloading update 1.2.0…',
      enabled: false,
    });
    expect(updateMenuItem({ kind: 'checking' }, 0)).toMatchObject({ enabled: false });
    expect(updateMenuItem({ kind: 'idle' }, 0)).toMatchObject({
      label: 'Check for updates',
      action: { type: 'checkForUpdates' },
    });
    expect(updateMenuItem({ kind: 'error', message: 'offline' }, 0)).toMatchObject({ action: { type: 'checkForUpdates' } });
  });
});

describe('runningAgentsOf', () => {
  it('counts every busy or rate-limited slot', () => {
    const snapshot = snapshotOf(
      daemon('a', { slots: [slot('busy', 's1')] }),
      daemon('b', { slots: [slot('busy', 's2'), slot('rate_limited', 's3')] }),
      daemon('c'),
    );
    expect(runningAgentsOf(snapshot)).toBe(3);
    expect(runningAgentsOf(snapshotOf(daemon('a')))).toBe(0);
  });
});

describe('the update line in the tray menu', () => {
  it('sits just above Quit, on every platform', () => {
    const settings = { startAtLogin: false, pauseOnBattery: false, notifications: true };
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const items = buildTrayMenu(snapshotOf(daemon('a')), settings, platform, [
        updateMenuItem({ kind: 'ready', version: '0.2.0' }, 0),
      ]);
      expect(items.slice(-3).map((i) => i.id)).toEqual(['update', 'sep-quit', 'quit']);
    }
  });
});
