import type { EventName, EventPayloads } from '@shared/contract';
import type { SessionRow } from '@shared/sessions';
import type { TickRecord } from '@shared/ticks';
import { describe, expect, it } from 'vitest';
import { dispatchRequest } from '../../src-main/api/dispatch';
import type { Bridge } from '../../src-renderer/src/bridge';
import {
  applySessions,
  connectStore,
  createDashboardStore,
  loadInitial,
  MAX_SESSIONS,
  mergeTicks,
  sessionsNewestFirst,
} from '../../src-renderer/src/store';
import { createFakeCore, fakeDaemon } from '../support/fake-core';

function tick(at: number, delayMs = 10_000, daemon = 'local'): TickRecord {
  return {
    daemon,
    at,
    delayMs,
    reason: 'idle',
    requests: 1,
    dispatched: 0,
    active: 0,
    rateLimited: 0,
    max: 2,
    error: null,
    curveMs: null,
    push: null,
  };
}

function session(id: string, createdAt: number, updatedAt = createdAt, state: SessionRow['state'] = 'active'): SessionRow {
  return {
    id,
    daemon: 'local',
    taskId: `t-${id}`,
    taskTitle: id,
    runtime: 'command',
    state,
    outcome: null,
    attempt: 1,
    pid: null,
    resumeToken: null,
    resumeAfter: null,
    workspace: null,
    result: null,
    reported: false,
    cleanupPending: false,
    lastOutput: [],
    logPath: null,
    createdAt,
    updatedAt,
    endedAt: null,
  };
}

/** A bridge straight onto a fake core: the same dispatch the transports use, minus the transport. */
function bridgeTo(core: ReturnType<typeof createFakeCore>): Bridge {
  return {
    invoke: (name, args) => dispatchRequest(core.handlers, name, args) as never,
    on: (event: EventName, listener) => core.on(event, listener as (p: EventPayloads[typeof event]) => void),
  } as Bridge;
}

describe('mergeTicks', () => {
  it('appends a newer tick and dedupes an overlapping history by time', () => {
    const held = [tick(1), tick(2)];
    expect(mergeTicks(held, [tick(3)]).map((t) => t.at)).toEqual([1, 2, 3]);
    expect(mergeTicks(held, [tick(0), tick(2, 99), tick(4)]).map((t) => [t.at, t.delayMs])).toEqual([
      [0, 10_000],
      [1, 10_000],
      [2, 99],
      [4, 10_000],
    ]);
    expect(held.map((t) => t.at)).toEqual([1, 2]);
  });

  it('keeps only the newest `cap` ticks', () => {
    let ticks: TickRecord[] = [];
    for (let i = 0; i < 25; i++) ticks = mergeTicks(ticks, [tick(i)], 10);
    expect(ticks.map((t) => t.at)).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
    expect(
      mergeTicks(
        [],
        Array.from({ length: 30 }, (_, i) => tick(29 - i)),
        10,
      )[0]!.at,
    ).toBe(20);
  });
});

describe('sessions', () => {
  it('keeps the most recently updated row and drops the oldest beyond the bound', () => {
    const store = createDashboardStore();
    applySessions(store, [session('a', 1, 5, 'active')]);
    applySessions(store, [session('a', 1, 4, 'claiming')]);
    expect(store.getState().sessions.a!.state).toBe('active');
    applySessions(
      store,
      Array.from({ length: MAX_SESSIONS + 5 }, (_, i) => session(`s${i}`, 10 + i)),
    );
    const rows = sessionsNewestFirst(store.getState().sessions);
    expect(rows).toHaveLength(MAX_SESSIONS);
    expect(rows[0]!.id).toBe(`s${MAX_SESSIONS + 4}`);
    expect(store.getState().sessions.a).toBeUndefined();
  });
});

describe('loadInitial + connectStore', () => {
  it('loads snapshot, settings, sessions and a day of ticks per daemon, then follows pushed events', async () => {
    const now = 10 * 24 * 3600_000;
    const core = createFakeCore({
      daemons: [fakeDaemon('local'), fakeDaemon('team')],
      ticks: [tick(now - 25 * 3600_000), tick(now - 1000), tick(now - 500, 5, 'team')],
    });
    core.state.sessions.push(session('s1', 1));
    const store = createDashboardStore();
    const bridge = bridgeTo(core);
    const disconnect = connectStore(store, bridge);
    await loadInitial(store, bridge, now);

    const state = store.getState();
    expect(state.loadError).toBeNull();
    expect(state.snapshot?.daemons.map((d) => d.name)).toEqual(['local', 'team']);
    expect(state.settings?.app.notifications).toBe(true);
    expect(Object.keys(state.sessions)).toEqual(['s1']);
    expect(state.ticks.local!.map((t) => t.at)).toEqual([now - 1000]);
    expect(state.ticks.team!.map((t) => t.delayMs)).toEqual([5]);

    core.emit('tick', tick(now));
    core.emit('session', session('s1', 1, 9, 'closed'));
    core.emit('snapshot', {
      at: now,
      live: true,
      blockedTasks: [],
      daemons: [fakeDaemon('local', { paused: true, state: 'paused' })],
    });
    expect(store.getState().ticks.local!.map((t) => t.at)).toEqual([now - 1000, now]);
    expect(store.getState().sessions.s1!.state).toBe('closed');
    expect(store.getState().snapshot?.daemons[0]?.state).toBe('paused');

    disconnect();
    core.emit('tick', tick(now + 1));
    expect(store.getState().ticks.local).toHaveLength(2);
  });

  it('records a failed load for the banner instead of throwing', async () => {
    const store = createDashboardStore();
    const broken: Bridge = {
      invoke: async () => ({ error: { code: 'unavailable', message: 'connection to Nightshift lost' } }),
      on: () => () => {},
    } as Bridge;
    await loadInitial(store, broken);
    expect(store.getState().loadError).toBe('connection to Nightshift lost');
  });
});
