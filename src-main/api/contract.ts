/**
 * The one contract between the core and everything that drives it: Electron
 * IPC, the headless dashboard's WebSocket and the CLI's control socket all
 * derive their methods from this table, so a method cannot exist in one
 * transport and not the other. Transport lives elsewhere (api/dispatch.ts,
 * shell/ipc.ts, headless/*).
 *
 * Every request takes one object argument validated by its zod schema; the
 * result type is carried as a phantom type parameter.
 */
import { z } from 'zod';
import type {
  DaemonSnapshot,
  SessionEventRow,
  SessionRow,
  SessionSpan,
  Snapshot,
  Task,
  TaskStatus,
  TickRecord,
  TuningKey,
} from '../core/types';
import { SESSION_STATES, TASK_STATUSES, TUNING_KEYS } from '../core/types';

// ---------------------------------------------------------------- shared shapes

/** App-wide settings (persisted in SQLite). */
export interface AppSettings {
  startAtLogin: boolean;
  /** Pause new work while on battery power (running agents continue). */
  pauseOnBattery: boolean;
  notifications: boolean;
}

export interface TuningValues {
  pollIntervalMs: number;
  maxIdleBackoffMs: number;
  maxConcurrent: number;
  jitter: boolean;
}

/** The per-daemon knobs that can be changed at run time (persisted as overrides of the config file). */
export interface DaemonTuning extends TuningValues {
  name: string;
  /** Keys whose value was saved from a view and overrides the config file ("overrides nightshift.json"). */
  overridden: TuningKey[];
  /** The config file's values: what `resetDaemonTuning` goes back to. */
  configured: TuningValues;
}

export interface Settings {
  app: AppSettings;
  daemons: DaemonTuning[];
}

/** A task in the local queue (the queue's name rides along). */
export interface LocalTask extends Task {
  queue: string;
  updated_at: string;
  /** Summary (done, in_review) or error (failed) from the last run. */
  result: string | null;
  /** For a todo task no daemon can take: why (unknown queue or runtime, runtime unavailable, daemon paused). */
  blocked: string | null;
  /** In `listTasks` replies: `prompt` holds only its first {@link PROMPT_PREVIEW_CHARS} characters; `getTask` has it all. */
  promptTruncated?: boolean;
}

/** Lists carry this much of each task's text: a list of large tasks stays small; the full text is one `getTask` away. */
export const PROMPT_PREVIEW_CHARS = 2048;

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
    pollIntervalMs: z.number().int().min(100).max(3_600_000).optional(),
    maxIdleBackoffMs: z.number().int().min(100).max(86_400_000).optional(),
    maxConcurrent: z.number().int().min(1).max(64).optional(),
    jitter: z.boolean().optional(),
  })
  .refine((d) => d.pollIntervalMs === undefined || d.maxIdleBackoffMs === undefined || d.maxIdleBackoffMs >= d.pollIntervalMs, {
    message: 'must be at least pollIntervalMs',
    path: ['maxIdleBackoffMs'],
  });

/**
 * SQLite stores text as UTF-8, where a lone UTF-16 surrogate cannot exist: it
 * would be saved as U+FFFD and read back changed. Refuse it at the boundary
 * (found by test/reliability/fuzz).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const unicodeText = (schema: z.ZodString) =>
  schema.refine((s) => !LONE_SURROGATE.test(s), 'contains a lone UTF-16 surrogate (not valid Unicode)');

/** Task text is user data: bounded, but any (well-formed) Unicode is fine. */
export const addTaskSchema = z.strictObject({
  prompt: unicodeText(z.string().min(1, 'must not be empty').max(1_000_000)).refine(
    (s) => s.trim() !== '',
    'must not be blank (only whitespace)',
  ),
  title: unicodeText(z.string().min(1).max(500)).optional(),
  cwd: unicodeText(z.string().min(1).max(4096)).optional(),
  repository: unicodeText(z.string().min(1).max(4096)).optional(),
  runtime: unicodeText(z.string().min(1).max(64)).optional(),
  queue: unicodeText(z.string().min(1).max(64)).optional(),
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
      queue: z.string().min(1).max(64).optional(),
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

/** Task statuses a caller may filter by (re-exported for views). */
export type { TaskStatus, TuningKey };
