/**
 * The dashboard shell: a header with the connection state and the global
 * Pause all / Wake all, then tabs (WAI-ARIA tabs pattern: arrow keys move
 * between tabs, Tab moves into the panel).
 */
import { type KeyboardEvent, useRef, useState } from 'react';
import { useAction, useDashboard, useDashboardState } from './context';
import type { ConnectionState } from './store';
import { BackoffView } from './views/BackoffView';
import { Overview } from './views/Overview';
import { PoolView } from './views/PoolView';
import { SessionsView } from './views/SessionsView';
import { SettingsView } from './views/SettingsView';
import { TasksView } from './views/TasksView';

export const TABS = [
  { id: 'overview', label: 'Overview', View: Overview },
  { id: 'backoff', label: 'Backoff', View: BackoffView },
  { id: 'pool', label: 'Pool', View: PoolView },
  { id: 'sessions', label: 'Sessions', View: SessionsView },
  { id: 'tasks', label: 'Tasks', View: TasksView },
  { id: 'settings', label: 'Settings', View: SettingsView },
] as const;
type TabId = (typeof TABS)[number]['id'];

export function App() {
  const [active, setActive] = useState<TabId>('overview');
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});
  const onKeyDown = (e: KeyboardEvent) => {
    const index = TABS.findIndex((t) => t.id === active);
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: TABS.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const tab = TABS[(next + TABS.length) % TABS.length]!;
    setActive(tab.id);
    tabRefs.current[tab.id]?.focus();
  };
  const ActiveView = TABS.find((t) => t.id === active)!.View;
  return (
    <div className="app">
      <Header />
      <div role="tablist" aria-label="Dashboard sections" className="tabs" onKeyDown={onKeyDown}>
        {TABS.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              tabRefs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={active === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={active === t.id ? 0 : -1}
            onClick={() => setActive(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <main role="tabpanel" id={`panel-${active}`} aria-labelledby={`tab-${active}`} className="panel">
        <ActiveView />
      </main>
    </div>
  );
}

const CONNECTION_LABELS: Record<ConnectionState, string> = {
  open: 'connected',
  connecting: 'connecting…',
  closed: 'disconnected — retrying',
  token_replaced: 'token replaced — run "nightshift dashboard" for the new URL',
};

function Header() {
  const { api } = useDashboard();
  const connection = useDashboardState((s) => s.connection);
  const loadError = useDashboardState((s) => s.loadError);
  const hasDaemons = useDashboardState((s) => (s.snapshot?.daemons.length ?? 0) > 0);
  const action = useAction();
  return (
    <header className="app-header">
      <h1>Nightshift</h1>
      <span className={`badge conn-${connection}`} data-testid="connection" role="status">
        {CONNECTION_LABELS[connection]}
      </span>
      <div className="actions">
        <button type="button" disabled={!hasDaemons || action.busy} onClick={() => action.run(() => api.pauseAll({}))}>
          Pause all
        </button>
        <button type="button" disabled={!hasDaemons || action.busy} onClick={() => action.run(() => api.wakeAll({}))}>
          Wake all
        </button>
      </div>
      {(action.error ?? loadError) && (
        <p className="error" role="alert">
          {action.error ?? loadError}
        </p>
      )}
    </header>
  );
}
