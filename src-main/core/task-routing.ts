/**
 * Which daemons can take a local-queue task, and when none can, why: the
 * answer `tasks`, `status` and the dashboard show next to a task that waits
 * forever, and the check `task add` runs before queueing one.
 */

/** What routing needs to know about one daemon of the running (or last run) config. */
export interface RouteTarget {
  name: string;
  /** The local queue it watches; null for a daemon on another source. */
  queue: string | null;
  runtime: string;
  paused: boolean;
  /** null while unknown (not checked yet, or no instance running). */
  unavailable: string | null;
}

export interface TaskWants {
  queue: string;
  runtime?: string | null;
}

export function knownQueues(targets: readonly RouteTarget[]): string[] {
  return unique(targets.flatMap((t) => (t.queue === null ? [] : [t.queue])));
}

export function knownRuntimes(targets: readonly RouteTarget[], queue: string): string[] {
  return unique(targets.filter((t) => t.queue === queue).map((t) => t.runtime));
}

/**
 * Why no daemon takes such a task, or null when one does. Checked in order:
 * unknown queue, unknown runtime, runtime unavailable, daemon paused.
 */
export function whyNoDaemonTakes(task: TaskWants, targets: readonly RouteTarget[]): string | null {
  const onQueue = targets.filter((t) => t.queue === task.queue);
  if (onQueue.length === 0) {
    return `unknown queue "${task.queue}": no daemon watches it (known: ${list(knownQueues(targets))})`;
  }
  const fit = task.runtime ? onQueue.filter((t) => t.runtime === task.runtime) : onQueue;
  if (fit.length === 0) {
    return `unknown runtime "${task.runtime}" on queue "${task.queue}" (known: ${list(knownRuntimes(targets, task.queue))})`;
  }
  const usable = fit.filter((t) => t.unavailable === null);
  if (usable.length === 0) {
    return `runtime unavailable: ${unique(fit.map((t) => `${t.runtime}: ${t.unavailable}`)).join('; ')}`;
  }
  if (usable.every((t) => t.paused)) {
    const names = usable.map((t) => t.name);
    return `daemon paused (${names.join(', ')}; "nightshift wake" resumes it)`;
  }
  return null;
}

/**
 * The refusal `task add` gives for a task no daemon would ever take (unknown
 * queue or runtime). Paused or unavailable is not refused: that passes.
 * Nothing is refused while no daemon is known at all.
 */
export function refuseUnroutable(task: TaskWants, targets: readonly RouteTarget[]): string | null {
  if (targets.length === 0) return null;
  const queues = knownQueues(targets);
  if (!queues.includes(task.queue)) return `unknown queue "${task.queue}"; known queues: ${list(queues)}`;
  const runtimes = knownRuntimes(targets, task.queue);
  if (task.runtime && !runtimes.includes(task.runtime)) {
    return `unknown runtime "${task.runtime}" for queue "${task.queue}"; known runtimes: ${list(runtimes)}`;
  }
  return null;
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

function list(values: string[]): string {
  return values.length === 0 ? 'none' : values.join(', ');
}
