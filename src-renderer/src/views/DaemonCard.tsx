import type { DaemonSnapshot } from '@shared/snapshot';
import { useAction, useDashboard, useDashboardState } from '../context';
import { countdownLabel } from '../logic/countdown';
import { formatClock, formatDuration } from '../logic/format';
import { pushHealthLabel } from '../logic/push-health';
import { requestsLabel, savingsLabel } from '../logic/savings';
import { DAEMON_STATE_LABELS, slotBoxes } from '../logic/slots';

const NO_TICKS: never[] = [];

export function DaemonCard({ daemon, now }: { daemon: DaemonSnapshot; now: number }) {
  const { api } = useDashboard();
  const action = useAction();
  const ticks = useDashboardState((s) => s.ticks[daemon.name] ?? NO_TICKS);
  const boxes = slotBoxes(daemon);
  const running = daemon.slots.filter((s) => s.state === 'busy');
  const saved = savingsLabel(daemon);
  const depth = daemon.queueDepth;
  return (
    <article className="card" data-testid={`daemon-card-${daemon.name}`} aria-labelledby={`daemon-${daemon.name}-title`}>
      <header className="card-header">
        <h2 id={`daemon-${daemon.name}-title`}>{daemon.name}</h2>
        <span className={`badge state-${daemon.state}`} data-testid="daemon-state">
          {DAEMON_STATE_LABELS[daemon.state]}
        </span>
      </header>
      <p className="muted">
        {daemon.queue ? `local queue "${daemon.queue}"` : `${daemon.sourceKind} source`} · {daemon.runtime.name} runtime
        {daemon.runtime.available ? '' : ` (unavailable: ${daemon.runtime.reason ?? 'unknown'})`}
      </p>
      <ul className="slots" aria-label={`${daemon.maxConcurrent} agent slots`}>
        {boxes.map((box, i) => (
          <li
            // Slots have no identity of their own: position is the key.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            key={i}
            className={`slot slot-${box.kind}`}
            data-testid="slot"
            data-kind={box.kind}
            title={box.kind === 'free' ? 'free slot' : `${box.kind === 'busy' ? 'running' : 'rate-limited'}: ${box.taskTitle}`}
          >
            {box.kind === 'free' ? 'free' : box.taskTitle}
          </li>
        ))}
      </ul>
      <dl className="facts">
        <dt>Queue</dt>
        <dd data-testid="queue-depth">
          {depth.todo === null ? 'todo not counted (remote)' : `${depth.todo} todo`} · {depth.inProgress} in progress ·{' '}
          {depth.inReview} in review
        </dd>
        <dt>Running</dt>
        <dd data-testid="running-tasks">
          {running.length === 0 ? (
            'nothing'
          ) : (
            <ul className="plain">
              {running.map((s) => (
                <li key={s.sessionId} data-testid="running-task">
                  {s.taskTitle} — {formatDuration(now - s.since)}
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt>Last failure</dt>
        <dd data-testid="last-failure">
          {daemon.lastFailure
            ? `${daemon.lastFailure.taskTitle}: ${firstLine(daemon.lastFailure.reason)} (${formatClock(daemon.lastFailure.at)})`
            : 'none'}
        </dd>
        <dt>Push</dt>
        <dd data-testid="push-health">{pushHealthLabel(daemon, ticks)}</dd>
        <dt>Next poll</dt>
        <dd data-testid="countdown">{countdownLabel(daemon, now)}</dd>
        <dt>Requests today</dt>
        <dd data-testid="requests-today">{requestsLabel(daemon)}</dd>
        {saved !== null && (
          <>
            <dt>Saved</dt>
            <dd data-testid="saved">{saved}</dd>
          </>
        )}
      </dl>
      {daemon.blockedReason && <p className="muted">Waiting: {daemon.blockedReason}</p>}
      {daemon.lastError && (
        <p className="error" role="status">
          Last error: {daemon.lastError}
        </p>
      )}
      <div className="actions">
        <button
          type="button"
          disabled={action.busy}
          onClick={() =>
            action.run(() => (daemon.paused ? api.wakeDaemon({ name: daemon.name }) : api.pauseDaemon({ name: daemon.name })))
          }
        >
          {daemon.paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" disabled={action.busy} onClick={() => action.run(() => api.wakeDaemon({ name: daemon.name }))}>
          Wake
        </button>
      </div>
      {action.error && (
        <p className="error" role="alert">
          {action.error}
        </p>
      )}
    </article>
  );
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? 'no reason given'
  );
}
