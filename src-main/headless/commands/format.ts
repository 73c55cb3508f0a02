/**
 * Compact human output for the control commands. Scripts use `--json`; these
 * tables are for eyes, so long cells are cut rather than wrapped.
 */

import type { SessionEventRow, SessionRow } from '@shared/sessions';
import type { LocalTask } from '@shared/task';
import type { TickRecord } from '@shared/ticks';

export interface Column<T> {
  header: string;
  cell(row: T): string;
  /** Longest shown width; longer cells end in "…". */
  max?: number;
}

export interface TableOptions {
  /**
   * Terminal width: the last column is cut so that each line fits (it keeps
   * at least 20 characters). Unset: the last column keeps its own `max`.
   */
  width?: number;
}

export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[], options: TableOptions = {}): string {
  const last = columns.length - 1;
  const cells = rows.map((row) =>
    columns.map((c, i) => (i === last ? oneLine(c.cell(row)) : clip(oneLine(c.cell(row)), c.max ?? 40))),
  );
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const before = widths.slice(0, last).reduce((sum, w) => sum + w + 2, 0);
  const lastMax = options.width !== undefined ? Math.max(20, options.width - before) : (columns[last]!.max ?? 40);
  for (const row of cells) row[last] = clip(row[last]!, lastMax);
  const line = (values: string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header.toUpperCase())), ...cells.map(line)].join('\n');
}

/** The width to cut tables to: the terminal's, else $COLUMNS, else none (a pipe gets whole lines). */
export function outputWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number | undefined {
  if (stream.isTTY && stream.columns) return stream.columns;
  const env = Number(process.env.COLUMNS);
  return Number.isInteger(env) && env > 0 ? env : undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The first non-empty line: what a log line or a table cell shows of a long reason. */
export function firstLine(text: string | null | undefined): string {
  return (
    (text ?? '')
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? ''
  );
}

/** "12s ago" / "in 3m" relative to `now`: enough precision for a glance. */
export function relativeTime(at: number | null, now: number): string {
  if (at === null) return '-';
  const delta = Math.round((at - now) / 1000);
  const abs = Math.abs(delta);
  const amount = abs < 60 ? `${abs}s` : abs < 3600 ? `${Math.round(abs / 60)}m` : `${Math.round(abs / 3600)}h`;
  return delta >= 0 ? `in ${amount}` : `${amount} ago`;
}

/** Why a task is where it is: the failure's first line, or why no daemon takes it. */
export function taskReason(task: LocalTask): string {
  if (task.status === 'failed') return firstLine(task.result);
  if (task.status === 'todo') return task.blocked ?? '';
  return '';
}

export function formatTasks(tasks: readonly LocalTask[], options: TableOptions = {}): string {
  if (tasks.length === 0) return 'no tasks';
  return formatTable(
    tasks,
    [
      { header: 'id', cell: (t) => t.id, max: 40 },
      { header: 'status', cell: (t) => t.status },
      { header: 'queue', cell: (t) => t.queue, max: 20 },
      { header: 'updated', cell: (t) => t.updated_at },
      { header: 'title', cell: (t) => t.title, max: 40 },
      { header: 'reason', cell: taskReason, max: 60 },
    ],
    options,
  );
}

export function formatSessions(sessions: readonly SessionRow[], now: number): string {
  if (sessions.length === 0) return 'no sessions';
  return formatTable(sessions, [
    { header: 'id', cell: (s) => s.id, max: 40 },
    { header: 'daemon', cell: (s) => s.daemon, max: 20 },
    { header: 'state', cell: (s) => (s.outcome ? `${s.state}/${s.outcome}` : s.state) },
    { header: 'run', cell: (s) => String(s.attempt) },
    { header: 'pid', cell: (s) => (s.pid === null ? '-' : String(s.pid)) },
    { header: 'updated', cell: (s) => relativeTime(s.updatedAt, now) },
    { header: 'task', cell: (s) => s.taskTitle || s.taskId, max: 50 },
  ]);
}

export function formatTicks(ticks: readonly TickRecord[]): string {
  if (ticks.length === 0) return 'no ticks';
  return formatTable(ticks, [
    { header: 'at', cell: (t) => new Date(t.at).toISOString() },
    { header: 'daemon', cell: (t) => t.daemon, max: 20 },
    { header: 'delay', cell: (t) => `${(t.delayMs / 1000).toFixed(1)}s` },
    { header: 'reason', cell: (t) => t.reason },
    { header: 'requests', cell: (t) => String(t.requests) },
    { header: 'dispatched', cell: (t) => String(t.dispatched) },
    { header: 'active', cell: (t) => `${t.active}/${t.max}` },
    { header: 'error', cell: (t) => t.error ?? '', max: 60 },
  ]);
}

export interface SessionWithEvents extends SessionRow {
  events: SessionEventRow[];
}

/**
 * `sessions --events` for eyes: one header line per session, then its
 * timeline, one event a line (time, event, state change, detail).
 */
export function formatSessionTimelines(sessions: readonly SessionWithEvents[], options: TableOptions = {}): string {
  if (sessions.length === 0) return 'no sessions';
  return sessions
    .map((s) => {
      const state = s.outcome ? `${s.state}/${s.outcome}` : s.state;
      const header = `${s.id}  ${s.daemon}  ${state}  run ${s.attempt}  "${s.taskTitle || s.taskId}"`;
      const events = s.events.map((e) => ({
        at: new Date(e.at).toISOString(),
        event: e.event,
        change: e.from === null ? `→ ${e.to}` : e.from === e.to ? e.to : `${e.from} → ${e.to}`,
        detail: e.detail ?? '',
      }));
      const table = formatTable(
        events,
        [
          { header: 'at', cell: (e) => e.at },
          { header: 'event', cell: (e) => e.event },
          { header: 'state', cell: (e) => e.change },
          { header: 'detail', cell: (e) => e.detail, max: 80 },
        ],
        options.width === undefined ? {} : { width: options.width - 2 },
      );
      return [header, ...table.split('\n').map((l) => `  ${l}`)].join('\n');
    })
    .join('\n\n');
}
