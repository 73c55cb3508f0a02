/**
 * An in-memory NightshiftCore for the dashboard server's tests and the render
 * bench: every contract request answers from plain arrays, and `emit` pushes
 * events as the real core would. It models no loop — tests of behaviour use
 * the real createCore.
 */
import type { EventPayloads } from '@shared/contract';
import type { SessionEventRow, SessionRow, SessionSpan } from '@shared/sessions';
import type { Settings } from '@shared/settings';
import type { DaemonSnapshot, Snapshot } from '@shared/snapshot';
import type { LocalTask } from '@shared/task';
import type { TickRecord } from '@shared/ticks';
import type { NightshiftCore } from '../../src-main/api/core-api';
import { ApiError, type ApiHandlers } from '../../src-main/api/dispatch';
import type { CoreEventName, CoreEvents } from '../../src-main/core/core-events';

export interface FakeCore extends NightshiftCore {
  emit<E extends CoreEventName>(event: E, payload: CoreEvents[E]): void;
  readonly state: {
    snapshot: Snapshot;
    ticks: TickRecord[];
    sessions: SessionRow[];
    spans: SessionSpan[];
    tasks: LocalTask[];
    settings: Settings;
  };
  /** Requests handled so far, by name (what a test asserts reached the core). */
  readonly calls: string[];
}

export function fakeDaemon(name: string, overrides: Partial<DaemonSnapshot> = {}): DaemonSnapshot {
  return {
    name,
    state: 'idle',
    paused: false,
    sourceKind: 'local',
    pushHealthy: true,
    push: { connected: true, downSince: null },
    runtime: { name: 'command', available: true, reason: null, pausedUntil: null },
    maxConcurrent: 2,
    pollIntervalMs: 10_000,
    maxIdleBackoffMs: 120_000,
    jitter: false,
    slots: [],
    nextTickAt: null,
    lastTickAt: null,
    lastError: null,
    blockedReason: null,
    requestsToday: 0,
    savedToday: 0,
    overridden: [],
    queue: 'default',
    queueDepth: { todo: 0, inProgress: 0, inReview: 0 },
    lastFailure: null,
    ...overrides,
  };
}

export function createFakeCore(initial: { daemons?: DaemonSnapshot[]; ticks?: TickRecord[] } = {}): FakeCore {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const daemons = initial.daemons ?? [fakeDaemon('local')];
  const state: FakeCore['state'] = {
    snapshot: { at: Date.now(), live: true, daemons, blockedTasks: [] },
    ticks: initial.ticks ?? [],
    sessions: [],
    spans: [],
    tasks: [],
    settings: {
      app: { startAtLogin: false, pauseOnBattery: false, notifications: true },
      daemons: daemons.map((d) => {
        const values = {
          pollIntervalMs: d.pollIntervalMs,
          maxIdleBackoffMs: d.maxIdleBackoffMs,
          maxConcurrent: d.maxConcurrent,
          jitter: d.jitter,
        };
        return { name: d.name, ...values, overridden: [], configured: { ...values } };
      }),
    },
  };
  const calls: string[] = [];
  const emit = <E extends CoreEventName>(event: E, payload: CoreEvents[E]) => {
    for (const listener of listeners.get(event) ?? []) listener(structuredClone(payload));
  };
  const daemon = (name: string) => {
    const found = state.snapshot.daemons.find((d) => d.name === name);
    if (!found) throw new ApiError('not_found', `no daemon named "${name}"`);
    return found;
  };
  const task = (id: string) => {
    const found = state.tasks.find((t) => t.id === id);
    if (!found) throw new ApiError('not_found', `no task "${id}"`);
    return found;
  };
  const setPaused = (d: DaemonSnapshot, paused: boolean) => {
    d.paused = paused;
    d.state = paused ? 'paused' : 'idle';
    emit('snapshot', state.snapshot);
    return d;
  };
  const handlers: ApiHandlers = {
    getSnapshot: () => state.snapshot,
    pauseDaemon: ({ name }) => setPaused(daemon(name), true),
    wakeDaemon: ({ name }) => setPaused(daemon(name), false),
    pauseAll: () => {
      for (const d of state.snapshot.daemons) setPaused(d, true);
      return state.snapshot;
    },
    wakeAll: () => {
      for (const d of state.snapshot.daemons) setPaused(d, false);
      return state.snapshot;
    },
    getTicks: ({ daemon: name, since, limit }) =>
      state.ticks.filter((t) => t.daemon === name && t.at >= since).slice(-(limit ?? 100_000)),
    listSessions: ({ daemon: name }) => state.sessions.filter((s) => name === undefined || s.daemon === name),
    getSessionEvents: ({ sessionId }): SessionEventRow[] => [
      { id: 1, sessionId, at: Date.now(), event: 'claimed', from: null, to: 'claiming', detail: null },
    ],
    getSessionSpans: ({ daemon: name, since }) =>
      state.spans.filter((r) => (name === undefined || r.daemon === name) && (r.end === null || r.end >= since)),
    listTasks: () => state.tasks,
    addTask: (args) => {
      const now = new Date().toISOString();
      const added: LocalTask = {
        id: `t_${state.tasks.length + 1}`,
        title: args.title ?? args.prompt.split('\n')[0]!.slice(0, 80),
        prompt: args.prompt,
        status: 'todo',
        cwd: args.cwd,
        created_at: now,
        updated_at: now,
        queue: args.queue ?? 'default',
        result: null,
        blocked: null,
      };
      state.tasks.push(added);
      return added;
    },
    getTask: ({ id }) => task(id),
    cancelTask: ({ id }) => Object.assign(task(id), { status: 'cancelled' as const }),
    approveTask: ({ id }) => Object.assign(task(id), { status: 'done' as const }),
    rejectTask: ({ id }) => Object.assign(task(id), { status: 'in_progress' as const }),
    getSettings: () => state.settings,
    setSettings: ({ app, daemons: patches }) => {
      Object.assign(state.settings.app, app ?? {});
      for (const patch of patches ?? []) {
        const tuning = state.settings.daemons.find((d) => d.name === patch.name);
        if (!tuning) throw new ApiError('not_found', `no daemon named "${patch.name}"`);
        Object.assign(tuning, patch);
        const { name: _name, ...values } = patch;
        tuning.overridden = [...new Set([...tuning.overridden, ...(Object.keys(values) as (keyof typeof values)[])])].filter(
          (key) => tuning[key] !== tuning.configured[key],
        );
      }
      emit('settings', state.settings as EventPayloads['settings']);
      return state.settings;
    },
    resetDaemonTuning: ({ name, keys }) => {
      const tuning = state.settings.daemons.find((d) => d.name === name);
      if (!tuning) throw new ApiError('not_found', `no daemon named "${name}"`);
      for (const key of keys ?? tuning.overridden) Object.assign(tuning, { [key]: tuning.configured[key] });
      tuning.overridden = tuning.overridden.filter((key) => keys !== undefined && !keys.includes(key));
      emit('settings', state.settings as EventPayloads['settings']);
      return state.settings;
    },
  };
  const tracked = Object.fromEntries(
    Object.entries(handlers).map(([name, fn]) => [
      name,
      async (args: unknown) => {
        calls.push(name);
        // A copy, as a real transport would deliver: callers must not share the fake's state objects.
        return structuredClone(await (fn as (a: unknown) => unknown)(args));
      },
    ]),
  ) as unknown as ApiHandlers;
  return {
    handlers: tracked,
    state,
    calls,
    emit,
    sourceCredentialsChanged(daemon) {
      calls.push(`sourceCredentialsChanged:${daemon}`);
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    async stop() {},
  };
}
