/**
 * Lanes under the aggregate pool line: a row per slot, a bar per run labelled
 * with its task and coloured by how it ended; hover or focus shows its times.
 * Plain elements rather than a canvas, so every bar is reachable by keyboard
 * and read by screen readers.
 */

import type { SessionSpan } from '@shared/sessions';
import { useEffect, useMemo, useState } from 'react';
import { type LaneBar, layoutLanes, OUTCOME_LABELS } from '../charts/lanes-data';
import { useDashboard, useDashboardState } from '../context';
import { formatClock, formatDuration } from '../logic/format';

export function PoolLanes({ daemon, slots, from, now }: { daemon: string; slots: number; from: number; now: number }) {
  const { api } = useDashboard();
  const [spans, setSpans] = useState<SessionSpan[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [focused, setFocused] = useState<LaneBar | null>(null);
  // Any session change may start or end a run: reload (debounced by the effect's cleanup).
  const sessions = useDashboardState((s) => s.sessions);
  useEffect(() => {
    void sessions;
    let live = true;
    const timer = setTimeout(() => {
      api.getSessionSpans({ daemon, since: from }).then(
        (rows) => {
          if (!live) return;
          setSpans(rows);
          setError(null);
        },
        (err: Error) => live && setError(err.message),
      );
    }, 100);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, daemon, from, sessions]);
  const layout = useMemo(() => layoutLanes(spans, slots, from, now), [spans, slots, from, now]);
  const runs = layout.bars.filter((b) => b.span.kind === 'run').length;
  return (
    <figure className="lanes-figure" aria-labelledby="lanes-title">
      <figcaption id="lanes-title" className="lanes-title">
        Slots over time: {runs === 0 ? 'no runs in this window' : `${runs} run${runs === 1 ? '' : 's'} in this window`}
      </figcaption>
      {error && <p className="error">{error}</p>}
      <div className="lanes" data-testid="pool-lanes" data-lane-count={layout.lanes}>
        {Array.from({ length: layout.lanes }, (_, lane) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a lane is its position
          <div key={lane} className="lane" data-testid="pool-lane">
            <span className="lane-label">{lane < slots ? `slot ${lane + 1}` : `over ${lane + 1}`}</span>
            <ul className="lane-track" aria-label={`slot ${lane + 1}`}>
              {layout.bars
                .filter((b) => b.lane === lane)
                .map((b) => (
                  <li
                    key={`${b.span.sessionId}-${b.span.start}`}
                    className={`lane-bar outcome-${b.span.outcome} kind-${b.span.kind}`}
                    style={{ left: `${b.left * 100}%`, width: `max(4px, ${b.width * 100}%)` }}
                    data-testid="lane-bar"
                    data-outcome={b.span.outcome}
                    data-task-id={b.span.taskId}
                    // biome-ignore lint/a11y/noNoninteractiveTabindex: focus shows the bar's times, as hover does
                    tabIndex={0}
                    title={barText(b.span, now)}
                    aria-label={barText(b.span, now)}
                    onMouseEnter={() => setFocused(b)}
                    onFocus={() => setFocused(b)}
                  >
                    <span className="lane-bar-label">{b.span.taskTitle}</span>
                  </li>
                ))}
            </ul>
          </div>
        ))}
      </div>
      <p className="muted lane-detail" data-testid="lane-detail" aria-live="polite">
        {focused ? barText(focused.span, now) : 'Hover or focus a bar for its times.'}
      </p>
      <ul className="legend" aria-label="Bar colours">
        {Object.entries(OUTCOME_LABELS).map(([outcome, label]) => (
          <li key={outcome}>
            <span className={`swatch outcome-${outcome}`} aria-hidden="true" /> {label}
          </li>
        ))}
      </ul>
    </figure>
  );
}

function barText(span: SessionSpan, now: number): string {
  const what = span.kind === 'rate_limit_wait' ? 'waiting out a rate limit' : OUTCOME_LABELS[span.outcome];
  const end = span.end === null ? 'now' : formatClock(span.end);
  return `${span.taskTitle}: ${what}, ${formatClock(span.start)}–${end} (${formatDuration((span.end ?? now) - span.start)})`;
}
