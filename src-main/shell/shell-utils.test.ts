import { describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../core/clock';
import { parseLaunchOptions } from './launch-options';
import { notificationFor } from './notify';
import { stopCoreWithin } from './quit';
import { throttle } from './throttle';

describe('throttle', () => {
  it('runs at once, then collapses a burst into one trailing run', async () => {
    const clock = new FakeClock();
    const fn = vi.fn();
    const t = throttle(fn, 500, clock);
    t();
    expect(fn).toHaveBeenCalledTimes(1);
    t();
    t();
    t();
    expect(fn).toHaveBeenCalledTimes(1);
    await clock.advance(499);
    expect(fn).toHaveBeenCalledTimes(1);
    await clock.advance(1);
    expect(fn).toHaveBeenCalledTimes(2);
    await clock.advance(10_000);
    expect(fn).toHaveBeenCalledTimes(2);
    t();
    expect(fn).toHaveBeenCalledTimes(3);
  });
  it('cancel drops the trailing run', async () => {
    const clock = new FakeClock();
    const fn = vi.fn();
    const t = throttle(fn, 500, clock);
    t();
    t();
    t.cancel();
    await clock.advance(1000);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe('stopCoreWithin', () => {
  it('reports a clean stop and passes the agent grace period on', async () => {
    const stop = vi.fn(async () => {});
    const result = await stopCoreWithin({ stop }, { agentGraceMs: 3000, timeoutMs: 10_000, clock: new FakeClock() });
    expect(result).toBe('stopped');
    expect(stop).toHaveBeenCalledWith({ agentGraceMs: 3000, releaseTasks: true });
  });
  it('gives up on a core that hangs once the timeout passes', async () => {
    const clock = new FakeClock();
    const pending = stopCoreWithin({ stop: () => new Promise<void>(() => {}) }, { agentGraceMs: 1, timeoutMs: 10_000, clock });
    await clock.advance(10_000);
    expect(await pending).toBe('timed_out');
  });
  it('reports a failing stop instead of throwing', async () => {
    const boom = new Error('db locked');
    const result = await stopCoreWithin(
      { stop: () => Promise.reject(boom) },
      { agentGraceMs: 1, timeoutMs: 10, clock: new FakeClock() },
    );
    expect(result).toEqual({ failed: boom });
  });
});

describe('parseLaunchOptions', () => {
  it('starts hidden from the login item (--hidden, or macOS wasOpenedAtLogin)', async () => {
    expect(parseLaunchOptions(['electron', '.', '--hidden'], {})).toEqual({ hidden: true, openWindow: false, userDataDir: null });
    expect(parseLaunchOptions(['nightshift'], {}, true).hidden).toBe(true);
    expect(parseLaunchOptions(['nightshift'], {}).hidden).toBe(false);
  });
  it('reads the data dir and window override from the environment, refusing a relative path', async () => {
    expect(parseLaunchOptions(['x', '--hidden'], { NIGHTSHIFT_USER_DATA: '/tmp/ns', NIGHTSHIFT_OPEN_WINDOW: '1' })).toEqual({
      hidden: false,
      openWindow: true,
      userDataDir: '/tmp/ns',
    });
    expect(() => parseLaunchOptions([], { NIGHTSHIFT_USER_DATA: 'data' })).toThrow(
      /NIGHTSHIFT_USER_DATA: must be an absolute path/,
    );
    expect(() => parseLaunchOptions([], { NIGHTSHIFT_OPEN_WINDOW: 'yes' })).toThrow(/NIGHTSHIFT_OPEN_WINDOW/);
  });
});

describe('notificationFor', () => {
  const notice = { kind: 'task_failed' as const, daemon: 'local', title: 'Task failed', body: 'x'.repeat(500) };
  it('is silent when notifications are off', async () => {
    expect(notificationFor(notice, { notifications: false })).toBeNull();
  });
  it('names the daemon, bounds the body and marks failures urgent', async () => {
    const n = notificationFor(notice, { notifications: true })!;
    expect(n.title).toBe('Task failed (local)');
    expect(n.body).toHaveLength(240);
    expect(n.urgency).toBe('critical');
    expect(notificationFor({ ...notice, kind: 'task_done', body: 'ok' }, { notifications: true })?.urgency).toBe('normal');
  });
});
