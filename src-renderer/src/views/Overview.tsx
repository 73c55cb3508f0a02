import { useDashboardState, useNow } from '../context';
import { DaemonCard } from './DaemonCard';

export function Overview() {
  const snapshot = useDashboardState((s) => s.snapshot);
  const now = useNow();
  if (!snapshot) return <p className="empty">Connecting to Nightshift…</p>;
  if (snapshot.daemons.length === 0) {
    return (
      <div className="empty" data-testid="overview-empty">
        <h2>No daemons yet</h2>
        <p>
          A daemon watches a task source and runs a coding agent on each task. Add one to the <code>daemons</code> list of your
          config file (for example a <code>local</code> source with a <code>command</code> runtime), then restart Nightshift.
        </p>
      </div>
    );
  }
  return (
    <div className="cards">
      {snapshot.daemons.map((d) => (
        <DaemonCard key={d.name} daemon={d} now={now} />
      ))}
    </div>
  );
}
