import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import type { AppSettings } from '@shared/settings';
import { describe, expect, it } from 'vitest';
import { daemon, slot, snapshotOf } from '../../test/support/snapshot-builders';
import { buildTrayMenu, type TrayMenuItem } from './tray-menu';
import { TRAY_STATES, trayIconFile } from './tray-state';

const NOW = 1_000_000;
const settings: AppSettings = { startAtLogin: false, pauseOnBattery: false, notifications: true };
const byId = (items: TrayMenuItem[], id: string) => items.find((i) => i.id === id);
const labels = (items: TrayMenuItem[]) =>
  items.map((i) => (i.type === 'separator' ? '---' : `${i.label}${i.enabled === false ? ' (off)' : ''}`));

describe('buildTrayMenu', () => {
  it('lists one running daemon with Pause and Wake now, then the global items', () => {
    const items = buildTrayMenu(snapshotOf(daemon('local', { state: 'working', slots: [slot('busy')] })), settings, 'darwin');
    expect(labels(items)).toEqual([
      'local — working · 1/2 busy (off)',
      '    Pause',
      '    Wake now',
      '---',
      'Pause all',
      'Resume all (off)',
      '---',
      'Open dashboard',
      'Start at login',
      '---',
      'Quit Nightshift',
    ]);
    expect(byId(items, 'pause:local')?.action).toEqual({ type: 'pauseDaemon', name: 'local' });
    expect(byId(items, 'wake:local')?.action).toEqual({ type: 'wakeDaemon', name: 'local' });
    expect(byId(items, 'quit')?.action).toEqual({ type: 'quit' });
    expect(byId(items, 'open-dashboard')?.action).toEqual({ type: 'openDashboard' });
  });

  it('gives each of several daemons its own line and actions', () => {
    const snap = snapshotOf(
      daemon('alpha', { paused: true, state: 'paused' }),
      daemon('beta', { state: 'backing_off', slots: [slot('rate_limited')] }),
      daemon('gamma', { state: 'unauthorized' }),
    );
    const items = buildTrayMenu(snap, settings, 'win32');
    expect(labels(items).slice(0, 9)).toEqual([
      'alpha — paused · 0/2 busy (off)',
      '    Resume',
      '    Wake now (off)',
      'beta — backing off · 0/2 busy · 1 rate-limited (off)',
      '    Pause',
      '    Wake now',
      'gamma — unauthorized · 0/2 busy (off)',
      '    Pause',
      '    Wake now',
    ]);
    expect(byId(items, 'resume:alpha')?.action).toEqual({ type: 'wakeDaemon', name: 'alpha' });
    // Some paused, some running: both global items are live.
    expect(byId(items, 'pause-all')?.enabled).toBe(true);
    expect(byId(items, 'wake-all')?.enabled).toBe(true);
    expect(byId(items, 'quit')?.label).toBe('Quit');
  });

  it('puts Resume all first when everything is paused (what a click would do)', () => {
    const snap = snapshotOf(daemon('a', { paused: true }), daemon('b', { paused: true }));
    const items = buildTrayMenu(snap, settings, 'linux');
    const globals = items.filter((i) => i.id === 'pause-all' || i.id === 'wake-all');
    expect(globals.map((i) => [i.label, i.enabled])).toEqual([
      ['Resume all', true],
      ['Pause all', false],
    ]);
  });

  it('starts with an inert status line on Linux, where panels show no tooltip', () => {
    const items = buildTrayMenu(snapshotOf(daemon('a', { nextTickAt: NOW + 45_000 })), settings, 'linux');
    expect(items[0]).toEqual({ id: 'status', type: 'normal', label: '0/2 slots busy', enabled: false });
    expect(buildTrayMenu(snapshotOf(daemon('a')), settings, 'darwin').some((i) => i.id === 'status')).toBe(false);
  });

  it('shows Start at login as a checkbox whose click flips the setting', () => {
    const off = byId(buildTrayMenu(snapshotOf(daemon('a')), settings, 'linux'), 'start-at-login');
    expect(off).toMatchObject({ type: 'checkbox', checked: false, action: { type: 'setStartAtLogin', value: true } });
    const on = byId(buildTrayMenu(snapshotOf(daemon('a')), { ...settings, startAtLogin: true }, 'linux'), 'start-at-login');
    expect(on).toMatchObject({ checked: true, action: { type: 'setStartAtLogin', value: false } });
  });

  it('holds no countdown, so the same state builds the same menu whatever the time (no rebuild every second)', () => {
    const at = (nextTickAt: number) => buildTrayMenu(snapshotOf(daemon('a', { nextTickAt })), settings, 'linux');
    expect(at(NOW + 45_000)).toEqual(at(NOW + 3_000));
    expect(JSON.stringify(at(NOW + 45_000))).not.toMatch(/next poll| s\b|min/);
  });

  it('has unique ids (Electron looks items up by id)', () => {
    const items = buildTrayMenu(snapshotOf(daemon('a'), daemon('b'), daemon('c')), settings, 'linux');
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
  });
});

describe('tray icon files', () => {
  const resources = join(__dirname, '../../resources');
  it('exist for every state and platform, with @2x variants, as real PNGs', () => {
    for (const state of TRAY_STATES) {
      for (const platform of ['darwin', 'win32', 'linux'] as const) {
        const file = join(resources, trayIconFile(state, platform));
        const retina = file.replace(/\.png$/, '@2x.png');
        for (const f of [file, retina]) {
          expect(existsSync(f), f).toBe(true);
          expect(readFileSync(f).subarray(1, 4).toString('latin1')).toBe('PNG');
        }
      }
    }
  });
  it('keeps macOS template images black + alpha only', () => {
    const png = readFileSync(join(resources, 'tray-errorTemplate@2x.png'));
    const idat = png.indexOf('IDAT');
    const length = png.readUInt32BE(idat - 4);
    const rows = inflateSync(png.subarray(idat + 4, idat + 4 + length));
    const size = png.readUInt32BE(16);
    let opaque = 0;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const i = y * (size * 4 + 1) + 1 + x * 4;
        expect(rows[i]! + rows[i + 1]! + rows[i + 2]!).toBe(0);
        if (rows[i + 3]! > 0) opaque++;
      }
    }
    expect(opaque).toBeGreaterThan(size * 2);
  });
});
