import { useEffect, useMemo, useState } from 'react';
import type { SessionEventRow, SessionRow } from '../../../src-main/core/types';
import { useDashboard, useDashboardState, useNow } from '../context';
import { formatClock, formatDuration } from '../logic/format';
import { sessionsNewestFirst } from '../store';

export function SessionsView() {
  const sessions = useDashboardState((s) => s.sessions);
  const rows = useMemo(() => sessionsNewestFirst(sessions), [sessions]);
  const [selected, setSelected] = useState<string | null>(null);
  const now = useNow();
  const current = selected ? sessions[selected] : undefined;
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
      <table className="table" data-testid="sessions-table">
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Runtime</th>
            <th scope="col">State</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
            <th scope="col">Last output</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.id} data-testid={`session-row-${s.id}`} data-task-id={s.taskId} aria-selected={s.id === selected}>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => setSelected(s.id)}
                  aria-label={`Show timeline of ${s.taskTitle}`}
                >
                  {s.taskTitle}
                </button>
              </td>
              <td>{s.runtime}</td>
              <td data-testid="session-state">{stateText(s)}</td>
              <td>{formatClock(s.createdAt)}</td>
              <td>{formatDuration((s.endedAt ?? now) - s.createdAt)}</td>
              <td className="output">{s.lastOutput.slice(-2).join('\n')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {current && <SessionTimeline session={current} />}
    </section>
  );
}

/** "closed (done)" says more than "closed". */
function stateText(s: SessionRow): string {
  return s.outcome ? `${s.state} (${s.outcome})` : s.state;
}

function SessionTimeline({ session }: { session: SessionRow }) {
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
    <section className="timeline" aria-labelledby="timeline-title" data-testid="session-timeline">
      <h3 id="timeline-title">Timeline: {session.taskTitle}</h3>
      {error && <p className="error">{error}</p>}
      <ol>
        {(events ?? []).map((e) => (
          <li key={e.id}>
            <time>{formatClock(e.at)}</time> <strong>{e.event}</strong> {e.from ?? '∅'} → {e.to}
            {e.detail ? ` — ${e.detail}` : ''}
          </li>
        ))}
      </ol>
      {session.result && <p className="muted">Result: {session.result}</p>}
      {session.resumeToken && (
        <p className="muted" data-testid="session-agent-id">
          Agent session: <code>{session.resumeToken}</code> ({session.runtime})
        </p>
      )}
    </section>
  );
}
