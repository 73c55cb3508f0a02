/**
 * A small in-memory stand-in for the core's handlers, for tests of the
 * transport (control socket) that must not depend on the real core.
 */
import type { LocalTask } from '@shared/task';
import { ApiError, type ApiHandlers } from '../../src-main/api/dispatch';

export function fakeHandlers(): ApiHandlers & { tasks: LocalTask[] } {
  const tasks: LocalTask[] = [];
  const unavailable = () => {
    throw new ApiError('unavailable', 'not in the fake');
  };
  return {
    tasks,
    getSnapshot: () => ({ at: 1, live: true, daemons: [], blockedTasks: [] }),
    addTask: (args) => {
      const now = new Date(0).toISOString();
      const task: LocalTask = {
        id: `t${tasks.length + 1}`,
        title: args.title ?? args.prompt.split('\n')[0]!,
        prompt: args.prompt,
        status: 'todo',
        queue: args.queue ?? 'default',
        created_at: now,
        updated_at: now,
        blocked: null,
        result: null,
      };
      tasks.push(task);
      return task;
    },
    listTasks: () => tasks,
    cancelTask: ({ id }) => {
      const task = tasks.find((t) => t.id === id);
      if (!task) throw new ApiError('not_found', `no task ${id}`);
      task.status = 'cancelled';
      return task;
    },
    getSessionSpans: unavailable,
    pauseDaemon: unavailable,
    resetDaemonTuning: unavailable,
    wakeDaemon: unavailable,
    pauseAll: unavailable,
    wakeAll: unavailable,
    getTicks: unavailable,
    listSessions: () => {
      throw new Error('database is locked');
    },
    getSessionEvents: unavailable,
    approveTask: unavailable,
    getTask: unavailable,
    rejectTask: unavailable,
    getSettings: unavailable,
    setSettings: unavailable,
  };
}
