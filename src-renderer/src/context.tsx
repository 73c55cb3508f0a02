/** What every view needs: the store to read and the typed API to call, provided once at the root. */

import type { ApiClient } from '@shared/api-client';
import type { SourceTokensBridge } from '@shared/bridge-types';
import { createContext, useContext, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { DashboardState, DashboardStore } from './store';

export interface Dashboard {
  store: DashboardStore;
  api: ApiClient;
  /** The tray app's keychain (window.nightshift.sourceTokens); absent in the headless dashboard. */
  sourceTokens?: SourceTokensBridge | undefined;
}

export const DashboardContext = createContext<Dashboard | null>(null);

export function useDashboard(): Dashboard {
  const dashboard = useContext(DashboardContext);
  if (!dashboard) throw new Error('useDashboard outside <DashboardContext.Provider>');
  return dashboard;
}

export function useDashboardState<T>(select: (state: DashboardState) => T): T {
  return useStore(useDashboard().store, select);
}

/** The current time, refreshed every `everyMs` — drives countdowns without touching the store. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** Runs an API call for a button, keeping its error for display instead of losing it in a console. */
export function useAction(): { run: (action: () => Promise<unknown>) => Promise<boolean>; error: string | null; busy: boolean } {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { run, error, busy };
}
