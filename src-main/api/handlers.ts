/**
 * The contract's requests, implemented over the running core. Arguments arrive
 * already validated by dispatchRequest; these functions only check what a
 * schema cannot (does the daemon exist, is the task in a state that allows it).
 */
import type { LocalTask, TaskStatus } from '@shared/task';
import { addLocalTask, listLocalTasks, TaskRefusedError } from '../core/local-tasks';
import { sessionSpans } from '../core/session-spans';
import { ApiError, type ApiHandlers } from './dispatch';
import type { HandledCore } from './handled-core';

export function createHandlers(sup: HandledCore): ApiHandlers {
  const daemon = (name: string) => {
    const d = sup.daemons.get(name);
    if (!d) throw new ApiError('not_found', `no daemon named "${name}"`);
    return d;
  };
  const daemonView = (name: string) => sup.snapshot().daemons.find((d) => d.name === name)!;
  const moveTask = (id: string, from: TaskStatus[], to: TaskStatus, verb: string): LocalTask => {
    const task = sup.queue.get(id);
    if (!task) throw new ApiError('not_found', `no task "${id}" in the local queue`);
    if (!sup.queue.move(id, from, to)) throw new ApiError('conflict', `cannot ${verb} task "${id}": it is ${task.status}`);
    return sup.queue.require(id);
  };

  return {
    getSnapshot: () => sup.snapshot(),
    pauseDaemon: ({ name }) => {
      daemon(name).loop.pause();
      return daemonView(name);
    },
    wakeDaemon: ({ name }) => {
      daemon(name).loop.wake();
      return daemonView(name);
    },
    pauseAll: () => {
      for (const { loop } of sup.daemons.values()) loop.pause();
      return sup.snapshot();
    },
    wakeAll: () => {
      for (const { loop } of sup.daemons.values()) loop.wake();
      return sup.snapshot();
    },
    getTicks: ({ daemon: name, since, limit }) => {
      daemon(name);
      return sup.ticks.list(name, since, limit);
    },
    listSessions: (filter) => sup.sessions.list(filter),
    getSessionEvents: ({ sessionId }) => {
      if (!sup.sessions.get(sessionId)) throw new ApiError('not_found', `no session "${sessionId}"`);
      return sup.sessions.events(sessionId);
    },
    getSessionSpans: ({ daemon: name, since }) => {
      if (name) daemon(name);
      return sessionSpans(sup.sessions.listActiveSince(since, name), (id) => sup.sessions.events(id), since);
    },
    listTasks: (filter) => listLocalTasks(sup.queue, sup.routeTargets(), filter),
    getTask: ({ id }) => {
      const task = sup.queue.get(id);
      if (!task) throw new ApiError('not_found', `no task "${id}"`);
      return task;
    },
    addTask: async (input) => {
      try {
        return await addLocalTask(sup.queue, sup.routeTargets(), input);
      } catch (err) {
        if (err instanceof TaskRefusedError) throw new ApiError('bad_request', err.message);
        throw err;
      }
    },
    cancelTask: ({ id }) => moveTask(id, ['todo', 'in_progress', 'in_review'], 'cancelled', 'cancel'),
    approveTask: ({ id }) => moveTask(id, ['in_review'], 'done', 'approve'),
    rejectTask: ({ id, reason }) => {
      const task = sup.queue.get(id);
      if (!task) throw new ApiError('not_found', `no task "${id}" in the local queue`);
      if (!sup.queue.reject(id, reason))
        throw new ApiError('conflict', `cannot reject task "${id}": it is ${task.status}, not in_review`);
      return sup.queue.require(id);
    },
    getSettings: () => sup.settings(),
    setSettings: ({ app, daemons }) => {
      for (const patch of daemons ?? []) daemon(patch.name);
      if (app) sup.state.setAppSettings({ ...sup.state.appSettings(), ...app });
      for (const { name, ...patch } of daemons ?? []) sup.retune(name, patch);
      const settings = sup.settings();
      sup.emit('settings', settings);
      return settings;
    },
    resetDaemonTuning: ({ name, keys }) => {
      daemon(name);
      sup.resetTuning(name, keys);
      const settings = sup.settings();
      sup.emit('settings', settings);
      return settings;
    },
  };
}
