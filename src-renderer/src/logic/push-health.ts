/**
 * Push health in words for a daemon card: from the snapshot (connected now,
 * down since when) and the tick history (each tick records push health, so
 * "connected since when" is known too).
 */
import type { DaemonSnapshot } from '@shared/snapshot';
import type { TickRecord } from '@shared/ticks';
import { formatClock } from './format';

export function pushHealthLabel(d: Pick<DaemonSnapshot, 'sourceKind' | 'push'>, ticks: readonly TickRecord[]): string {
  if (d.sourceKind === 'local') return 'in-process: new tasks wake it at once';
  if (d.push === null) return 'no push channel: polling';
  if (!d.push.connected)
    return d.push.downSince === null ? 'down, polling' : `down since ${formatClock(d.push.downSince)}, polling`;
  // The start of the latest run of ticks that saw push connected.
  let since: number | null = null;
  for (let i = ticks.length - 1; i >= 0 && ticks[i]!.push === true; i--) since = ticks[i]!.at;
  return since === null ? 'connected' : `connected since ${formatClock(since)}`;
}
