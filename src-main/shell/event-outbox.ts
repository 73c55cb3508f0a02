/**
 * Core events on their way to the window. A page that is still loading cannot
 * receive them, so they wait here until it says it is listening (READY), then
 * go out in order. The wait is bounded: only the newest snapshot and settings
 * matter (each replaces the last), and ticks/sessions keep the latest few
 * hundred. With no window at all nothing is kept — a new page fetches its
 * state on load.
 */
import type { EventName, EventPayloads } from '@shared/contract';
import { eventChannel } from './ipc-channels';

/** The slice of a webContents the outbox needs. */
export interface EventTarget {
  send(channel: string, payload: unknown): void;
  isDestroyed(): boolean;
}

type Pending = { [E in EventName]: { event: E; payload: EventPayloads[E] } }[EventName];

const REPLACED_BY_NEWER: ReadonlySet<EventName> = new Set(['snapshot', 'settings']);

export class EventOutbox {
  private target: EventTarget | null = null;
  private ready = false;
  private queue: Pending[] = [];

  constructor(private readonly maxQueued = 500) {}

  /** A new page is loading in `target`: queue until it is ready. */
  attach(target: EventTarget): void {
    this.target = target;
    this.ready = false;
    this.queue = [];
  }

  detach(target?: EventTarget): void {
    if (target && target !== this.target) return;
    this.target = null;
    this.ready = false;
    this.queue = [];
  }

  /** The page listens now: flush in order. Ignored for a target we no longer hold. */
  markReady(target: EventTarget): void {
    if (target !== this.target) return;
    this.ready = true;
    const pending = this.queue;
    this.queue = [];
    for (const item of pending) this.deliver(item);
  }

  push<E extends EventName>(event: E, payload: EventPayloads[E]): void {
    if (!this.target) return;
    const item = { event, payload } as Pending;
    if (this.ready) {
      this.deliver(item);
      return;
    }
    if (REPLACED_BY_NEWER.has(event)) this.queue = this.queue.filter((q) => q.event !== event);
    this.queue.push(item);
    if (this.queue.length > this.maxQueued) this.queue.splice(0, this.queue.length - this.maxQueued);
  }

  /** Events waiting for the page (for tests and the log). */
  get pending(): number {
    return this.queue.length;
  }

  private deliver(item: Pending): void {
    const target = this.target;
    if (!target || target.isDestroyed()) {
      this.detach();
      return;
    }
    target.send(eventChannel(item.event), item.payload);
  }
}
