import type { TickRecord } from '@shared/ticks';
import { describe, expect, it } from 'vitest';
import { snapshotOf } from '../../test/support/snapshot-builders';
import { EventOutbox, type EventTarget } from './event-outbox';

class FakeContents implements EventTarget {
  sent: [string, unknown][] = [];
  destroyed = false;
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
  }
  isDestroyed() {
    return this.destroyed;
  }
}

const tick = (at: number): TickRecord => ({
  daemon: 'a',
  at,
  delayMs: 10_000,
  reason: 'idle',
  requests: 1,
  dispatched: 0,
  active: 0,
  rateLimited: 0,
  max: 2,
  error: null,
  curveMs: null,
  push: null,
});

describe('EventOutbox', () => {
  it('queues events until the page is ready, then sends them in order', () => {
    const outbox = new EventOutbox();
    const page = new FakeContents();
    outbox.attach(page);
    outbox.push('tick', tick(1));
    outbox.push('tick', tick(2));
    expect(page.sent).toEqual([]);
    outbox.markReady(page);
    outbox.push('tick', tick(3));
    expect(page.sent.map(([channel, p]) => `${channel}@${(p as TickRecord).at}`)).toEqual([
      'nightshift:event:tick@1',
      'nightshift:event:tick@2',
      'nightshift:event:tick@3',
    ]);
  });

  it('keeps only the newest snapshot while waiting', () => {
    const outbox = new EventOutbox();
    const page = new FakeContents();
    outbox.attach(page);
    outbox.push('snapshot', { ...snapshotOf(), at: 1 });
    outbox.push('tick', tick(1));
    outbox.push('snapshot', { ...snapshotOf(), at: 2 });
    expect(outbox.pending).toBe(2);
    outbox.markReady(page);
    expect(page.sent.map(([c, p]) => `${c}@${(p as { at: number }).at}`)).toEqual([
      'nightshift:event:tick@1',
      'nightshift:event:snapshot@2',
    ]);
  });

  it('bounds the queue, dropping the oldest', () => {
    const outbox = new EventOutbox(3);
    const page = new FakeContents();
    outbox.attach(page);
    for (let i = 1; i <= 10; i++) outbox.push('tick', tick(i));
    outbox.markReady(page);
    expect(page.sent.map(([, p]) => (p as TickRecord).at)).toEqual([8, 9, 10]);
  });

  it('keeps nothing without a window, ignores READY from a page it no longer holds, and stops at a destroyed one', () => {
    const outbox = new EventOutbox();
    outbox.push('tick', tick(1));
    expect(outbox.pending).toBe(0);

    const old = new FakeContents();
    const current = new FakeContents();
    outbox.attach(old);
    outbox.attach(current); // a reload
    outbox.push('tick', tick(2));
    outbox.markReady(old);
    expect(old.sent).toEqual([]);
    expect(outbox.pending).toBe(1);

    outbox.markReady(current);
    current.destroyed = true;
    outbox.push('tick', tick(3));
    expect(current.sent).toHaveLength(1);
    outbox.push('tick', tick(4));
    expect(outbox.pending).toBe(0);
  });
});
