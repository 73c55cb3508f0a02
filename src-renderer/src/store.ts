/**
 * The renderer's view of the core: whatever the core last pushed (snapshot,
 * ticks, sessions, settings). Views read it; only {@link connectStore} writes
 * it, from bridge events and the initial loads. State lives in the core —
 * this is a cache that a reload can always rebuild.
 */

import type { SessionRow } from '@shared/sessions';
import type { Settings } from '@shared/settings';
import type { Snapshot } from '@shared/snapshot';
import type { TickRecord } from '@shared/ticks';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { apiOver, type Bridge } from './bridge';

/** Ticks kept per daemon: a day at a 10 s poll is 8 640; the bench pushes 10 000. */
export const MAX_TICKS_PER_DAEMON = 20_000;
/** Sessions kept in the table (newest by createdAt). */
export const MAX_SESSIONS = 500;
export const TICK_HISTORY_MS = 24 * 60 * 60 * 1000;

export type ConnectionState = 'connecting' | 'open' | 'closed' | 'token_replaced';

export interface DashboardState {
  connection: ConnectionState;
  snapshot: Snapshot | null;
  ticks: Record<string, TickRecord[]>;
  sessions: Record<string, SessionRow>;
  settings: Settings | null;
  /** Last failure of an initial load, shown in a banner. */
  loadError: string | null;
  /** Served by `nightshift run --dashboard` (no tray): tray-only settings do not apply. */
  headless: boolean;
}

export type DashboardStore = StoreApi<DashboardState>;

export function createDashboardStore(options: { headless?: boolean } = {}): DashboardStore {
  return createStore<DashboardState>(() => ({
    headless: options.headless ?? false,
    connection: 'connecting',
    snapshot: null,
    ticks: {},
    sessions: {},
    settings: null,
    loadError: null,
  }));
}

/**
 * Merges tick lists by time, keeping one record per (daemon, at): the initial
 * getTicks load and pushed ticks overlap while the page starts.
 */
export function mergeTicks(
  existing: readonly TickRecord[],
  incoming: readonly TickRecord[],
  cap = MAX_TICKS_PER_DAEMON,
): TickRecord[] {
  const last = existing[existing.length - 1];
  // The common case, one pushed tick newer than everything held: append without sorting.
  if (incoming.length === 1 && (last === undefined || incoming[0]!.at > last.at)) {
    const next = existing.length >= cap ? existing.slice(existing.length - cap + 1) : existing.slice();
    next.push(incoming[0]!);
    return next;
  }
  const byTime = new Map<number, TickRecord>();
  for (const t of existing) byTime.set(t.at, t);
  for (const t of incoming) byTime.set(t.at, t);
  const merged = [...byTime.values()].sort((a, b) => a.at - b.at);
  return merged.length > cap ? merged.slice(merged.length - cap) : merged;
}

export function applyTicks(store: DashboardStore, daemon: string, incoming: readonly TickRecord[]): void {
  store.setState((s) => ({ ticks: { ...s.ticks, [daemon]: mergeTicks(s.ticks[daemon] ?? [], incoming) } }));
}

export function applySessions(store: DashboardStore, rows: readonly SessionRow[]): void {
  store.setState((s) => {
    const sessions = { ...s.sessions };
    for (const row of rows) {
      const held = sessions[row.id];
      if (!held || held.updatedAt <= row.updatedAt) sessions[row.id] = row;
    }
    const ids = Object.keys(sessions);
    if (ids.length > MAX_SESSIONS) {
      const oldest = ids.sort((a, b) => sessions[a]!.createdAt - sessions[b]!.createdAt).slice(0, ids.length - MAX_SESSIONS);
      for (const id of oldest) delete sessions[id];
    }
    return { sessions };
  });
}

export function sessionsNewestFirst(sessions: Record<string, SessionRow>): SessionRow[] {
  return Object.values(sessions).sort((a, b) => b.createdAt - a.createdAt);
}

/** Loads everything a fresh page needs; called at start and after every reconnect. */
export async function loadInitial(store: DashboardStore, bridge: Bridge, now = Date.now()): Promise<void> {
  const api = apiOver(bridge);
  try {
    const [snapshot, settings, sessions] = await Promise.all([
      api.getSnapshot({}),
      api.getSettings({}),
      api.listSessions({ limit: 200 }),
    ]);
    store.setState({ snapshot, settings, loadError: null });
    applySessions(store, sessions);
    const histories = await Promise.all(
      snapshot.daemons.map((d) =>
        api.getTicks({ daemon: d.name, since: Math.max(0, now - TICK_HISTORY_MS), limit: MAX_TICKS_PER_DAEMON }),
      ),
    );
    for (const [i, d] of snapshot.daemons.entries()) applyTicks(store, d.name, histories[i]!);
  } catch (err) {
    store.setState({ loadError: err instanceof Error ? err.message : String(err) });
  }
}

/** Feeds the store from pushed events; returns the unsubscribe function. */
export function connectStore(store: DashboardStore, bridge: Bridge): () => void {
  const offs = [
    bridge.on('snapshot', (snapshot) => store.setState({ snapshot })),
    bridge.on('tick', (tick) => applyTicks(store, tick.daemon, [tick])),
    bridge.on('session', (row) => applySessions(store, [row])),
    bridge.on('settings', (settings) => store.setState({ settings })),
  ];
  return () => {
    for (const off of offs) off();
  };
}
