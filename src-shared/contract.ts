/**
 * The one contract between the core and everything that drives it: Electron
 * IPC, the headless dashboard's WebSocket and the CLI's control socket all
 * derive their methods from this table, so a method cannot exist in one
 * transport and not the other. Transport lives elsewhere (src-main/api/dispatch.ts,
 * src-main/shell/ipc.ts, src-main/headless/*). The view types it carries are
 * beside it in src-shared/.
 *
 * Every request takes one object argument validated by its zod schema; the
 * result type is carried as a phantom type parameter.
 */
import { z } from 'zod';
import type { SessionEventRow, SessionRow, SessionSpan } from './sessions';
import { SESSION_STATES } from './sessions';
import type { Settings } from './settings';
import { TUNING_KEYS } from './settings';
import type { DaemonSnapshot, Snapshot } from './snapshot';
import type { LocalTask } from './task';
import { TASK_STATUSES } from './task';
import {
  BLANK_PROMPT_MESSAGE,
  EMPTY_PROMPT_MESSAGE,
  LONE_SURROGATE,
  LONE_SURROGATE_MESSAGE,
  TASK_TEXT_LIMITS as MAX,
  QUEUE_FILTER_MAX,
} from './task-text';
import type { TickRecord } from './ticks';
import { CAP_BELOW_BASE, capAtLeastBase, tuningFields } from './tuning';

// ---------------------------------------------------------------- argument shapes

const daemonName = z.string().min(1).max(64);
const id = z.string().min(1).max(200);
const empty = z.strictObject({});

export const appSettingsPatchSchema = z.strictObject({
  startAtLogin: z.boolean().optional(),
  pauseOnBattery: z.boolean().optional(),
  notifications: z.boolean().optional(),
});

export const daemonTuningPatchSchema = z
  .strictObject({
    name: daemonName,
    pollIntervalMs: tuningFields.pollIntervalMs.optional(),
    maxIdleBackoffMs: tuningFields.maxIdleBackoffMs.optional(),
    maxConcurrent: tuningFields.maxConcurrent.optional(),
    jitter: tuningFields.jitter.optional(),
  })
  .refine(capAtLeastBase, CAP_BELOW_BASE);

/** Refuses a lone surrogate (task-text.ts says why). */
const unicodeText = (schema: z.ZodString) => schema.refine((s) => !LONE_SURROGATE.test(s), LONE_SURROGATE_MESSAGE);

/** Task text is user data: bounded, but any (well-formed) Unicode is fine. Limits and the zod-free twin: task-text.ts. */
export const addTaskSchema = z.strictObject({
  prompt: unicodeText(z.string().min(1, EMPTY_PROMPT_MESSAGE).max(MAX.prompt)).refine(
    (s) => s.trim() !== '',
    BLANK_PROMPT_MESSAGE,
  ),
  title: unicodeText(z.string().min(1).max(MAX.title)).optional(),
  cwd: unicodeText(z.string().min(1).max(MAX.cwd)).optional(),
  repository: unicodeText(z.string().min(1).max(MAX.repository)).optional(),
  runtime: unicodeText(z.string().min(1).max(MAX.runtime)).optional(),
  queue: unicodeText(z.string().min(1).max(MAX.queue)).optional(),
});

// ---------------------------------------------------------------- the table

interface RequestSpec<A extends z.ZodType, R> {
  args: A;
  /** Phantom: never read at run time, only carries the result type. */
  result?: R;
  /** Changes state (audit log, and refused while read-only). */
  mutates: boolean;
}

function request<R>() {
  return <A extends z.ZodType>(args: A, mutates = false): RequestSpec<A, R> => ({ args, mutates });
}

export const requests = {
  getSnapshot: request<Snapshot>()(empty),
  pauseDaemon: request<DaemonSnapshot>()(z.strictObject({ name: daemonName }), true),
  wakeDaemon: request<DaemonSnapshot>()(z.strictObject({ name: daemonName }), true),
  pauseAll: request<Snapshot>()(empty, true),
  wakeAll: request<Snapshot>()(empty, true),
  /** Tick history of one daemon since `since` (epoch ms), oldest first. */
  getTicks: request<TickRecord[]>()(
    z.strictObject({
      daemon: daemonName,
      since: z.number().int().min(0),
      limit: z.number().int().min(1).max(100_000).optional(),
    }),
  ),
  listSessions: request<SessionRow[]>()(
    z.strictObject({
      daemon: daemonName.optional(),
      states: z.array(z.enum(SESSION_STATES)).max(SESSION_STATES.length).optional(),
      limit: z.number().int().min(1).max(10_000).optional(),
    }),
  ),
  getSessionEvents: request<SessionEventRow[]>()(z.strictObject({ sessionId: id })),
  /** Runs, rate-limit waits and review waits of the sessions alive since `since` (epoch ms), oldest first. */
  getSessionSpans: request<SessionSpan[]>()(z.strictObject({ daemon: daemonName.optional(), since: z.number().int().min(0) })),
  listTasks: request<LocalTask[]>()(
    z.strictObject({
      queue: z.string().min(1).max(QUEUE_FILTER_MAX).optional(),
      status: z.array(z.enum(TASK_STATUSES)).max(TASK_STATUSES.length).optional(),
      limit: z.number().int().min(1).max(10_000).optional(),
    }),
  ),
  /** One local task with its full text (lists carry a preview). */
  getTask: request<LocalTask>()(z.strictObject({ id })),
  addTask: request<LocalTask>()(addTaskSchema, true),
  cancelTask: request<LocalTask>()(z.strictObject({ id }), true),
  /** Review loop on the local queue: `in_review → done`. */
  approveTask: request<LocalTask>()(z.strictObject({ id }), true),
  /** Review loop on the local queue: `in_review → in_progress` with a `rejected` note. */
  rejectTask: request<LocalTask>()(z.strictObject({ id, reason: unicodeText(z.string().min(1).max(100_000)) }), true),
  getSettings: request<Settings>()(empty),
  setSettings: request<Settings>()(
    z.strictObject({ app: appSettingsPatchSchema.optional(), daemons: z.array(daemonTuningPatchSchema).max(256).optional() }),
    true,
  ),
  /** Drops a daemon's saved overrides (the given keys, or all) so the config file's values apply again. */
  resetDaemonTuning: request<Settings>()(
    z.strictObject({ name: daemonName, keys: z.array(z.enum(TUNING_KEYS)).min(1).max(TUNING_KEYS.length).optional() }),
    true,
  ),
} as const;

/** Events pushed from the core to every connected view. */
export interface EventPayloads {
  /** The whole picture; sent on every change (throttled by the sender). */
  snapshot: Snapshot;
  /** One finished tick, for the charts. */
  tick: TickRecord;
  /** A session row changed state. */
  session: SessionRow;
  /** Settings changed (from any view, or the tray). */
  settings: Settings;
}

export const EVENT_NAMES = ['snapshot', 'tick', 'session', 'settings'] as const satisfies readonly (keyof EventPayloads)[];

// ---------------------------------------------------------------- derived types

export type Requests = typeof requests;
export type RequestName = keyof Requests;
export type RequestArgs<K extends RequestName> = z.input<Requests[K]['args']>;
export type ParsedArgs<K extends RequestName> = z.output<Requests[K]['args']>;
export type RequestResult<K extends RequestName> = Requests[K] extends RequestSpec<z.ZodType, infer R> ? R : never;
export type EventName = keyof EventPayloads;

export const REQUEST_NAMES = Object.keys(requests) as RequestName[];

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(requests, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (EVENT_NAMES as readonly string[]).includes(name);
}
