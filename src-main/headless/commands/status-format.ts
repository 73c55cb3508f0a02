/**
 * `nightshift status` for eyes: one line per daemon with the state word the
 * dashboard uses, push health, tuning (values saved from the dashboard that
 * override the config file are marked), then the tasks no daemon can take.
 */
import type { DaemonSnapshot, Snapshot } from '@shared/snapshot';
import { firstLine, formatTable, relativeTime, type TableOptions } from './format';

/** Marks a value saved from the dashboard over the config file's. */
export const OVERRIDE_MARK = '*';

export function formatSnapshot(snapshot: Snapshot, options: TableOptions = {}): string {
  const lines: string[] = [];
  if (snapshot.daemons.length === 0) {
    lines.push('no daemons (no "nightshift run" has used this data dir yet)');
  } else {
    const now = snapshot.at;
    lines.push(
      formatTable(
        snapshot.daemons,
        [
          { header: 'daemon', cell: (d) => d.name, max: 30 },
          { header: 'state', cell: (d) => d.state + (d.paused && d.state !== 'paused' ? ' (paused)' : '') },
          { header: 'source', cell: (d) => sourceCell(d), max: 50 },
          { header: 'runtime', cell: (d) => runtimeCell(d), max: 90 },
          { header: 'slots', cell: (d) => `${d.slots.filter((s) => s.state === 'busy').length}/${mark(d, 'maxConcurrent')}` },
          {
            header: 'poll',
            cell: (d) =>
              `${seconds(d.pollIntervalMs)}${mark(d, 'pollIntervalMs', '')}…${seconds(d.maxIdleBackoffMs)}${mark(d, 'maxIdleBackoffMs', '')}`,
          },
          { header: 'next tick', cell: (d) => relativeTime(d.nextTickAt, now) },
          { header: 'requests today', cell: (d) => String(d.requestsToday) },
          { header: 'note', cell: noteCell, max: 60 },
        ],
        options,
      ),
    );
    if (snapshot.daemons.some((d) => d.overridden.length > 0)) {
      lines.push(`${OVERRIDE_MARK} saved from the dashboard; overrides the config file (reset it in Settings)`);
    }
    if (!snapshot.live) lines.push('(no instance running: every daemon is stopped; start one with "nightshift run")');
  }
  for (const group of snapshot.blockedTasks) {
    const what = `${group.count} task${group.count === 1 ? '' : 's'} on queue "${group.queue}"${group.runtime ? ` for runtime "${group.runtime}"` : ''}`;
    lines.push(`waiting: ${what}: ${group.reason}`);
  }
  return lines.join('\n');
}

function mark(d: DaemonSnapshot, key: DaemonSnapshot['overridden'][number], value?: string): string {
  const shown = value ?? String(d[key]);
  return d.overridden.includes(key) ? `${shown}${OVERRIDE_MARK}` : shown;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}

/** "local", "http, push connected", "postgres, push down since 14:02, polling". */
function sourceCell(d: DaemonSnapshot): string {
  if (!d.push) return d.sourceKind;
  if (d.push.connected) return `${d.sourceKind}, push connected`;
  return `${d.sourceKind}, push down since ${clockTime(d.push.downSince ?? 0)}, polling`;
}

/**
 * "claude 2.1.332", "claude (unavailable: not found on PATH; next probe
 * 15:02)", "claude (rate-limited until 15:00)", "claude (paused: Not logged
 * in · Please run /login; next probe 15:02)".
 */
export function runtimeCell(d: DaemonSnapshot): string {
  const r = d.runtime;
  const name = r.version ? `${r.name} ${versionNumber(r.version)}` : r.name;
  const next = r.pausedUntil !== null ? `next probe ${clockTime(r.pausedUntil)}` : 'probing now';
  if (!r.available) return `${name} (unavailable: ${r.reason ?? 'unknown'}${r.pauseKind === 'environment' ? `; ${next}` : ''})`;
  if (r.pauseKind === 'environment') return `${name} (paused: ${r.pauseReason ?? 'environment failure'}; ${next})`;
  if (r.pausedUntil !== null) return `${name} (rate-limited until ${clockTime(r.pausedUntil)})`;
  return name;
}

/** "2.1.332 (Claude Code)" → "2.1.332"; "codex-cli 0.171.0" → "0.171.0". */
function versionNumber(version: string): string {
  return /\d+\.\d+[\w.-]*/.exec(version)?.[0] ?? version;
}

function noteCell(d: DaemonSnapshot): string {
  if (d.lastError) return d.lastError;
  if (d.blockedReason) return d.blockedReason;
  if (d.lastFailure) return `last failure: ${d.lastFailure.taskTitle}: ${firstLine(d.lastFailure.reason)}`;
  return '';
}

function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
