/**
 * Pushes the core's events to every connected dashboard. Snapshots are sent
 * on every change by the core, so they are throttled here (the latest one
 * wins); ticks, sessions and settings are forwarded as they come because each
 * one carries information the views keep.
 */

import { EVENT_NAMES, type EventName, type EventPayloads } from '@shared/contract';
import type { EventMessage } from '@shared/wire';
import type { WebSocket } from 'ws';
import type { NightshiftCore } from '../../api/core-api';
import type { Clock } from '../../core/clock';

/** A client this far behind gets no more events until it drains; its next snapshot catches it up. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export interface EventFanout {
  add(ws: EventClient): void;
  stop(): void;
}

/** The part of a `ws` WebSocket the fanout uses (a structural type, so tests can count sends). */
export type EventClient = Pick<WebSocket, 'readyState' | 'OPEN' | 'bufferedAmount' | 'send' | 'on'>;

export function createEventFanout(core: NightshiftCore, snapshotThrottleMs: number, clock: Clock): EventFanout {
  const clients = new Set<EventClient>();
  let pendingSnapshot: EventPayloads['snapshot'] | null = null;
  let cancelSnapshotTimer: (() => void) | null = null;
  let lastSnapshotSentAt = Number.NEGATIVE_INFINITY;

  const broadcast = <E extends EventName>(name: E, payload: EventPayloads[E]) => {
    if (clients.size === 0) return;
    const message: EventMessage = { type: 'event', name, payload };
    const text = JSON.stringify(message);
    for (const ws of clients) {
      if (ws.readyState === ws.OPEN && ws.bufferedAmount < MAX_BUFFERED_BYTES) ws.send(text);
    }
  };

  const flushSnapshot = () => {
    cancelSnapshotTimer = null;
    if (pendingSnapshot === null) return;
    lastSnapshotSentAt = clock.now();
    broadcast('snapshot', pendingSnapshot);
    pendingSnapshot = null;
  };

  const onSnapshot = (snapshot: EventPayloads['snapshot']) => {
    pendingSnapshot = snapshot;
    if (cancelSnapshotTimer) return;
    const wait = Math.max(0, lastSnapshotSentAt + snapshotThrottleMs - clock.now());
    cancelSnapshotTimer = clock.setTimer(flushSnapshot, wait);
  };

  const unsubscribers = EVENT_NAMES.map((name) =>
    name === 'snapshot' ? core.on('snapshot', onSnapshot) : core.on(name, (payload) => broadcast(name, payload as never)),
  );

  return {
    add(ws) {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
    },
    stop() {
      for (const off of unsubscribers) off();
      cancelSnapshotTimer?.();
      clients.clear();
    },
  };
}
