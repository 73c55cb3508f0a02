/** The daemon and time-window pickers shared by both charts. */
import { useState } from 'react';
import { useDashboardState, useNow } from '../context';

export const WINDOWS = { '10 min': 10 * 60 * 1000, hour: 60 * 60 * 1000, day: 24 * 60 * 60 * 1000 } as const;
export type ChartWindow = keyof typeof WINDOWS;

export function useChartSelection() {
  const daemons = useDashboardState((s) => s.snapshot?.daemons ?? []);
  const [picked, setPicked] = useState<string | null>(null);
  const [window, setWindow] = useState<ChartWindow>('hour');
  const daemon = daemons.find((d) => d.name === picked) ?? daemons[0] ?? null;
  // The window slides with time even when no tick arrives (a paused daemon).
  const now = useNow(5_000);
  return { daemons, daemon, setPicked, window, setWindow, from: now - WINDOWS[window], now };
}

export function ChartControls({ selection, idPrefix }: { selection: ReturnType<typeof useChartSelection>; idPrefix: string }) {
  return (
    <div className="controls">
      <label htmlFor={`${idPrefix}-daemon`}>Daemon</label>
      <select
        id={`${idPrefix}-daemon`}
        value={selection.daemon?.name ?? ''}
        onChange={(e) => selection.setPicked(e.target.value)}
      >
        {selection.daemons.map((d) => (
          <option key={d.name} value={d.name}>
            {d.name}
          </option>
        ))}
      </select>
      <fieldset className="segmented">
        <legend>Window</legend>
        {(Object.keys(WINDOWS) as ChartWindow[]).map((w) => (
          <label key={w}>
            <input
              type="radio"
              name={`${idPrefix}-window`}
              value={w}
              checked={selection.window === w}
              onChange={() => selection.setWindow(w)}
            />
            last {w}
          </label>
        ))}
      </fieldset>
    </div>
  );
}
