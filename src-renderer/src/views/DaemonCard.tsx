import type { DaemonSnapshot } from '../../../src-main/core/types';
import { useAction, useDashboard } from '../context';
import { countdownLabel } from '../logic/countdown';
import { savingsLabel } from '../logic/savings';
import { DAEMON_STATE_LABELS, slotBoxes } from '../logic/slots';

export function DaemonCard({ daemon, now }: { daemon: DaemonSnapshot; now: number }) {
  const { api } = useDashboard();
  const action = useAction();
  const boxes = slotBoxes(daemon);
  return (
    <article className="card" data-testid={`daemon-card-${daemon.name}`} aria-labelledby={`daemon-${daemon.name}-title`}>
      <header className="card-header">
        <h2 id={`daemon-${daemon.name}-title`}>{daemon.name}</h2>
        <span className={`badge state-${daemon.state}`} data-testid="daemon-state">
          {DAEMON_STATE_LABELS[daemon.state]}
        </span>
      </header>
      <p className="muted">
        {daemon.sourceKind} source · {daemon.runtime.name} runtime
        {daemon.runtime.available ? '' : ` (unavailable: ${daemon.runtime.reason ?? 'unknown'})`}
        {daemon.pushHealthy ? ' · push connected' : ''}
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
        <dt>Next poll</dt>
        <dd data-testid="countdown">{countdownLabel(daemon, now)}</dd>
        <dt>Requests today</dt>
        <dd data-testid="requests-today">{daemon.requestsToday.toLocaleString('en')}</dd>
        <dt>Saved vs fixed polling</dt>
        <dd data-testid="saved">{savingsLabel(daemon.requestsToday, daemon.savedToday)}</dd>
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
