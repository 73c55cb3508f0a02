import { beforeEach, describe, expect, it, vi } from 'vitest';
import { daemon, slot, snapshotOf } from '../../test/support/snapshot-builders';
import { FakeClock } from '../core/clock';

vi.mock('electron', async () => (await import('../../test/support/fake-electron')).electronModule());
const { FakeMenu, FakeTray, resetFakeElectron } = await import('../../test/support/fake-electron');
const { TrayController } = await import('./tray');

beforeEach(() => {
  resetFakeElectron();
});

function start(platform: 'linux' | 'darwin' | 'win32') {
  const clock = new FakeClock();
  const onAction = vi.fn();
  const controller = new TrayController({ platform, resourcesDir: '/res', clock, onAction, throttleMs: 500 });
  return { controller, clock, onAction, tray: FakeTray.all[0]! };
}

describe('TrayController', () => {
  it('switches the icon with the state and rebuilds at most once per throttle window', async () => {
    const { controller, clock, tray } = start('linux');
    expect(tray.images).toEqual(['tray-idle-32.png']);
    const menusAtStart = tray.contextMenus.length;

    controller.update(snapshotOf(daemon('a', { slots: [slot('busy')] })));
    expect(tray.images.at(-1)).toBe('tray-working-32.png');
    controller.update(snapshotOf(daemon('a', { state: 'error' })));
    controller.update(snapshotOf(daemon('a', { paused: true, state: 'paused' })));
    expect(tray.images.at(-1)).toBe('tray-working-32.png'); // still throttled
    await clock.advance(500);
    expect(tray.images.at(-1)).toBe('tray-paused-32.png'); // the latest one won; the error state was never drawn
    expect(tray.images).not.toContain('tray-error-32.png');
    // Linux: the menu is set again after each change.
    expect(tray.contextMenus.length).toBe(menusAtStart + 2);
  });

  it('does not touch Electron when nothing visible changed', async () => {
    const { controller, clock, tray } = start('linux');
    controller.update(snapshotOf(daemon('a')));
    await clock.advance(1000);
    const before = { images: tray.images.length, menus: tray.contextMenus.length, tips: tray.tooltips.length };
    controller.update(snapshotOf(daemon('a')));
    await clock.advance(1000);
    expect({ images: tray.images.length, menus: tray.contextMenus.length, tips: tray.tooltips.length }).toEqual(before);
  });

  it('toggles on left click and pops the menu on right click on macOS, with template images', async () => {
    const { controller, clock, onAction, tray } = start('darwin');
    expect(tray.images).toEqual(['tray-idleTemplate.png']);
    controller.update(snapshotOf(daemon('a')));
    tray.emit('click');
    expect(onAction).toHaveBeenLastCalledWith({ type: 'pauseAll' });
    await clock.advance(500);
    controller.update(snapshotOf(daemon('a', { paused: true })));
    tray.emit('click');
    expect(onAction).toHaveBeenLastCalledWith({ type: 'wakeAll' });
    tray.emit('right-click');
    expect(tray.popups).toBe(1);
    expect(tray.contextMenus).toEqual([]); // an attached menu would swallow the left click
  });

  it('Linux: rebuilds the menu only when its content changes, not as the next poll comes closer', async () => {
    const { controller, clock, tray } = start('linux');
    controller.update(snapshotOf(daemon('a', { nextTickAt: clock.now() + 60_000 })));
    await clock.advance(1000);
    const menus = tray.contextMenus.length;
    for (let s = 1; s <= 30; s++) {
      controller.update(snapshotOf(daemon('a', { nextTickAt: clock.now() + 60_000 - s * 1000 })));
      await clock.advance(1000);
    }
    expect(tray.contextMenus.length).toBe(menus);
    controller.update(snapshotOf(daemon('a', { paused: true })));
    await clock.advance(1000);
    expect(tray.contextMenus.length).toBe(menus + 1);
  });

  it('Linux: a left `click` (KDE emits one) toggles like on Windows; the menu stays attached', async () => {
    const { controller, clock, onAction, tray } = start('linux');
    controller.update(snapshotOf(daemon('a')));
    await clock.advance(500);
    tray.emit('click');
    expect(onAction).toHaveBeenLastCalledWith({ type: 'pauseAll' });
    expect(tray.contextMenus.length).toBeGreaterThan(0);
  });

  it('runs menu items as actions', async () => {
    const { controller, clock, onAction } = start('win32');
    controller.update(snapshotOf(daemon('local')));
    await clock.advance(500);
    const menu = FakeMenu.built.at(-1)!;
    menu.click('pause:local');
    menu.click('start-at-login');
    expect(onAction.mock.calls.map((c) => c[0])).toEqual([
      { type: 'pauseDaemon', name: 'local' },
      { type: 'setStartAtLogin', value: true },
    ]);
    expect(menu.item('daemon:local')!.click).toBeUndefined();
  });

  it('never calls a destroyed tray, even with a render pending', async () => {
    const { controller, clock, tray } = start('linux');
    controller.update(snapshotOf(daemon('a', { slots: [slot('busy')] })));
    controller.update(snapshotOf(daemon('a', { state: 'error' })));
    tray.destroy(); // e.g. destroyed by Electron during quit
    await expect(clock.advance(1000)).resolves.toBeUndefined();
    controller.destroy();
    expect(clock.pendingTimers()).toBe(0);
  });
});
