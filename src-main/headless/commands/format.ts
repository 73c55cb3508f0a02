/**
 * Compact human output for the control commands. Scripts use `--json`; these
 * tables are for eyes, so long cells are cut rather than wrapped.
 */
import type { LocalTask } from '../../api/contract';
import type { SessionRow, Snapshot, TickRecord } from '../../core/types';

export interface Column<T> {
  header: string;
  cell(row: T): string;
  /** Longest shown width; longer cells end in "…". */
  max?: number;
}

export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((c) => clip(oneLine(c.cell(row)), c.max ?? 40)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header.toUpperCase())), ...cells.map(line)].join('\n');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** "12s ago" / "in 3m" relative to `now`: enough precision for a glance. */
export function relativeTime(at: number | null, now: number): string {
  if (at === null) return '-';
  const delta = Math.round((at - now) / 1000);
  const abs = Math.abs(delta);
  const amount = abs < 60 ? `${abs}s` : abs < 3600 ? `${Math.round(abs / 60)}m` : `${Math.round(abs / 3600)}h`;
  return delta >= 0 ? `in ${amount}` : `${amount} ago`;
}

export function formatTasks(tasks: readonly LocalTask[]): string {
  if (tasks.length === 0) return 'no tasks';
  return formatTable(tasks, [
    { header: 'id', cell: (t) => t.id, max: 40 },
    { header: 'status', cell: (t) => t.status },
    { header: 'queue', cell: (t) => t.queue, max: 20 },
    { header: 'updated', cell: (t) => t.updated_at },
    { header: 'title', cell: (t) => t.title, max: 60 },
  ]);
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

export function formatSnapshot(snapshot: Snapshot): string {
  if (snapshot.daemons.length === 0) return 'no daemons';
  const now = snapshot.at;
  return formatTable(snapshot.daemons, [
    { header: 'daemon', cell: (d) => d.name, max: 30 },
    { header: 'state', cell: (d) => d.state },
    { header: 'source', cell: (d) => d.sourceKind },
    { header: 'runtime', cell: (d) => runtimeCell(d), max: 50 },
    { header: 'slots', cell: (d) => `${d.slots.filter((s) => s.state === 'busy').length}/${d.maxConcurrent}` },
    { header: 'next tick', cell: (d) => relativeTime(d.nextTickAt, now) },
    { header: 'requests today', cell: (d) => String(d.requestsToday) },
    { header: 'note', cell: (d) => d.lastError ?? d.blockedReason ?? '', max: 60 },
  ]);
}

/** "claude", "claude (unavailable: not found on PATH)", "claude (rate-limited until 15:00)". */
function runtimeCell(d: Snapshot['daemons'][number]): string {
  if (!d.runtime.available) return `${d.runtime.name} (unavailable: ${d.runtime.reason ?? 'unknown'})`;
  if (d.runtime.pausedUntil !== null) {
    const until = new Date(d.runtime.pausedUntil).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    return `${d.runtime.name} (rate-limited until ${until})`;
  }
  return d.runtime.name;
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
