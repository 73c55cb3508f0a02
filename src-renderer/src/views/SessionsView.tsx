/**
 * Sessions: one row per task run with its daemon, its state in words and its
 * duration without review waits; the timeline opens right under its row.
 * Filter by daemon and by state.
 */

import type { SessionEventRow, SessionRow, SessionSpan } from '@shared/sessions';
import { Fragment, useEffect, useMemo, useState } from 'react';
import { useDashboard, useDashboardState, useNow } from '../context';
import { formatClock, formatDuration } from '../logic/format';
import {
  reviewWaits,
  SESSION_CATEGORIES,
  type SessionCategory,
  sessionCategory,
  sessionStateWords,
  workDuration,
} from '../logic/session-words';
import { sessionsNewestFirst } from '../store';

const COLUMNS = 7;

export function SessionsView() {
  const { api } = useDashboard();
  const sessions = useDashboardState((s) => s.sessions);
  const rows = useMemo(() => sessionsNewestFirst(sessions), [sessions]);
  const [selected, setSelected] = useState<string | null>(null);
  const [daemonFilter, setDaemonFilter] = useState('');
  const [stateFilter, setStateFilter] = useState<SessionCategory | ''>('');
  const [spans, setSpans] = useState<SessionSpan[]>([]);
  const now = useNow();
  const oldest = rows[rows.length - 1]?.createdAt ?? 0;
  // Review waits come from the session timelines; reload them when a row changes.
  useEffect(() => {
    void sessions;
    let live = true;
    const timer = setTimeout(() => {
      api.getSessionSpans({ since: oldest }).then(
        (r) => live && setSpans(r),
        () => {},
      );
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, oldest, sessions]);
  const waits = useMemo(() => reviewWaits(spans, now), [spans, now]);
  const configured = useDashboardState((s) => s.snapshot?.daemons);
  const daemons = useMemo(
    () => [...new Set([...(configured ?? []).map((d) => d.name), ...rows.map((s) => s.daemon)])],
    [configured, rows],
  );
  const shown = rows.filter(
    (s) => (daemonFilter === '' || s.daemon === daemonFilter) && (stateFilter === '' || sessionCategory(s) === stateFilter),
  );
  if (rows.length === 0) {
    return (
      <p className="empty" data-testid="sessions-empty">
        No sessions yet. A session starts when a daemon claims a task — add one in the Tasks tab.
      </p>
    );
  }
  return (
    <section aria-labelledby="sessions-title">
      <h2 id="sessions-title">Sessions</h2>
      <div className="controls">
        <label htmlFor="sessions-daemon">Daemon</label>
        <select id="sessions-daemon" value={daemonFilter} onChange={(e) => setDaemonFilter(e.target.value)}>
          <option value="">all daemons</option>
          {daemons.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
        <label htmlFor="sessions-state">State</label>
        <select id="sessions-state" value={stateFilter} onChange={(e) => setStateFilter(e.target.value as SessionCategory | '')}>
          <option value="">any state</option>
          {SESSION_CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <span className="muted" data-testid="sessions-count">
          {shown.length} of {rows.length} sessions
        </span>
      </div>
      <table className="table" data-testid="sessions-table">
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Daemon</th>
            <th scope="col">Runtime</th>
            <th scope="col">State</th>
            <th scope="col">Started</th>
            <th scope="col">Duration (without review)</th>
            <th scope="col">Last output</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((s) => {
            const open = s.id === selected;
            return (
              <Fragment key={s.id}>
                <tr data-testid={`session-row-${s.id}`} data-task-id={s.taskId} aria-selected={open}>
                  <td>
                    <button
                      type="button"
                      className="link"
                      onClick={() => setSelected(open ? null : s.id)}
                      aria-expanded={open}
                      aria-controls={`session-detail-${s.id}`}
                      aria-label={`${open ? 'Hide' : 'Show'} timeline of ${s.taskTitle}`}
                    >
                      {s.taskTitle}
                    </button>
                  </td>
                  <td data-testid="session-daemon">{s.daemon}</td>
                  <td>{s.runtime}</td>
                  <td data-testid="session-state">{sessionStateWords(s)}</td>
                  <td>{formatClock(s.createdAt)}</td>
                  <td data-testid="session-duration">{formatDuration(workDuration(s, waits.get(s.id) ?? 0, now))}</td>
                  <td className="output">{s.lastOutput.slice(-2).join('\n')}</td>
                </tr>
                {open && (
                  <tr className="detail-row" id={`session-detail-${s.id}`}>
                    <td colSpan={COLUMNS}>
                      <SessionTimeline session={s} reviewWaitMs={waits.get(s.id) ?? 0} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function SessionTimeline({ session, reviewWaitMs }: { session: SessionRow; reviewWaitMs: number }) {
  const { api } = useDashboard();
  const [events, setEvents] = useState<SessionEventRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Reload whenever the row changes: a state change appends a timeline event.
  // biome-ignore lint/correctness/useExhaustiveDependencies: updatedAt is the trigger, not an input
  useEffect(() => {
    let live = true;
    api.getSessionEvents({ sessionId: session.id }).then(
      (rows) => live && setEvents(rows),
      (err: Error) => live && setError(err.message),
    );
    return () => {
      live = false;
    };
  }, [api, session.id, session.updatedAt]);
  return (
    <section className="timeline" aria-label={`Timeline of ${session.taskTitle}`} data-testid="session-timeline">
      {error && <p className="error">{error}</p>}
      <ol>
        {(events ?? []).map((e) => (
          <li key={e.id}>
            <time>{formatClock(e.at)}</time> <strong>{e.event}</strong> {e.from ?? '∅'} → {e.to}
            {e.detail ? ` — ${e.detail}` : ''}
          </li>
        ))}
      </ol>
      {reviewWaitMs > 0 && (
        <p className="muted">Waited {formatDuration(reviewWaitMs)} for review (not counted in its duration).</p>
      )}
      {session.result && <p className="muted">Result: {session.result}</p>}
      {session.resumeToken && (
        <p className="muted" data-testid="session-agent-id">
          Agent session: <code>{session.resumeToken}</code> ({session.runtime})
        </p>
      )}
    </section>
  );
}
