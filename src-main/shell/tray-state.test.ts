import { describe, expect, it } from 'vitest';
import { daemon, slot, snapshotOf } from '../../test/support/snapshot-builders';
import { clickBehaviourFor, statusLine, toggleActionOf, tooltipText, trayIconFile, trayStateOf } from './tray-state';

const NOW = 1_000_000;

describe('trayStateOf', () => {
  it('is idle when running daemons have nothing to do', () => {
    expect(trayStateOf(snapshotOf(daemon('a'), daemon('b')))).toBe('idle');
  });
  it('is working while any slot is busy', () => {
    expect(trayStateOf(snapshotOf(daemon('a'), daemon('b', { slots: [slot('busy')] })))).toBe('working');
  });
  it('is backing off during an error backoff or a rate limit', () => {
    expect(trayStateOf(snapshotOf(daemon('a', { state: 'backing_off' })))).toBe('backing_off');
    expect(trayStateOf(snapshotOf(daemon('a', { slots: [slot('rate_limited')] })))).toBe('backing_off');
  });
  it('is paused only when every daemon is paused', () => {
    expect(trayStateOf(snapshotOf(daemon('a', { paused: true, state: 'paused' })))).toBe('paused');
    expect(trayStateOf(snapshotOf(daemon('a', { paused: true, state: 'paused' }), daemon('b')))).toBe('idle');
  });
  it('shows work still running in a paused daemon (pause stops new work, not agents)', () => {
    expect(trayStateOf(snapshotOf(daemon('a', { paused: true, state: 'paused', slots: [slot('busy')] })))).toBe('working');
  });
  it('puts errors and unauthorized daemons above everything else', () => {
    const busy = daemon('a', { slots: [slot('busy')] });
    expect(trayStateOf(snapshotOf(busy, daemon('b', { state: 'error' })))).toBe('error');
    expect(trayStateOf(snapshotOf(busy, daemon('b', { state: 'unauthorized' })))).toBe('error');
  });
});

describe('tooltip and status line', () => {
  it('reads "Nightshift — 2/4 slots busy · next poll in 45 s"', () => {
    const snap = snapshotOf(
      daemon('a', { slots: [slot('busy', '1')], nextTickAt: NOW + 60_000 }),
      daemon('b', { slots: [slot('busy', '2')], nextTickAt: NOW + 45_000 }),
    );
    expect(tooltipText(snap, 'linux', NOW)).toBe('Nightshift — 2/4 slots busy · next poll in 45 s');
  });
  it('tells macOS and Windows users what a click will do', () => {
    const running = snapshotOf(daemon('a', { nextTickAt: NOW + 10_000 }));
    expect(tooltipText(running, 'darwin', NOW)).toBe(
      'Nightshift — 0/2 slots busy · next poll in 10 s\nClick to pause · right-click for the menu',
    );
    const paused = snapshotOf(daemon('a', { paused: true, state: 'paused' }));
    expect(tooltipText(paused, 'win32', NOW)).toBe(
      'Nightshift — 0/2 slots busy · all paused\nClick to resume · right-click for the menu',
    );
  });
  it('ignores paused daemons when finding the next poll, and rounds long delays to minutes', () => {
    const snap = snapshotOf(daemon('a', { paused: true, nextTickAt: NOW + 1_000 }), daemon('b', { nextTickAt: NOW + 120_000 }));
    expect(statusLine(snap, NOW)).toBe('0/4 slots busy · next poll in 2 min');
  });
  it('says so when no daemon is configured', () => {
    expect(statusLine(snapshotOf(), NOW)).toBe('no daemons configured');
  });
});

describe('click behaviour per platform', () => {
  it('toggles on left click and pops the menu on right click on macOS and Windows', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      expect(clickBehaviourFor(platform)).toEqual({ leftClick: 'toggle', rightClick: 'menu', attachMenu: false });
    }
  });
  it("attaches the menu on Linux (AppIndicator ignores clicks) and toggles on KDE's left `click`", () => {
    expect(clickBehaviourFor('linux')).toEqual({ leftClick: 'toggle', rightClick: 'none', attachMenu: true });
  });
  it('toggle pauses while anything runs and wakes when everything is paused', () => {
    expect(toggleActionOf(snapshotOf(daemon('a'), daemon('b', { paused: true })))).toBe('pauseAll');
    expect(toggleActionOf(snapshotOf(daemon('a', { paused: true }), daemon('b', { paused: true })))).toBe('wakeAll');
  });
});

describe('trayIconFile', () => {
  it('uses template images on macOS and larger images on Linux panels', () => {
    expect(trayIconFile('working', 'darwin')).toBe('tray-workingTemplate.png');
    expect(trayIconFile('working', 'linux')).toBe('tray-working-32.png');
    expect(trayIconFile('working', 'win32')).toBe('tray-working.png');
  });
});
