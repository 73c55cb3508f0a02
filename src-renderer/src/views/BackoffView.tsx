import { useMemo } from 'react';
import type uPlot from 'uplot';
import { DELAY_REASONS } from '../../../src-main/core/types';
import { buildBackoffData, REASON_STYLES } from '../charts/backoff-data';
import { ChartControls, useChartSelection } from '../charts/chart-controls';
import { themeColors, UPlotChart } from '../charts/UPlotChart';
import { useDashboardState } from '../context';

const EMPTY: never[] = [];

export function BackoffView() {
  const selection = useChartSelection();
  const { daemon, from, to } = selection;
  const ticks = useDashboardState((s) => (daemon ? (s.ticks[daemon.name] ?? EMPTY) : EMPTY));
  const base = daemon?.pollIntervalMs ?? 10_000;
  const cap = daemon?.maxIdleBackoffMs ?? 120_000;
  const chart = useMemo(() => buildBackoffData(ticks, from, to, base, cap), [ticks, from, to, base, cap]);
  const data = useMemo(
    (): uPlot.AlignedData => [chart.x, ...DELAY_REASONS.map((r) => chart.byReason[r]), chart.expected],
    [chart],
  );
  if (!daemon) return <p className="empty">No daemons configured: the backoff chart appears once a daemon runs.</p>;
  return (
    <section aria-labelledby="backoff-title">
      <h2 id="backoff-title">Backoff: delay chosen at each tick</h2>
      <ChartControls selection={selection} idPrefix="backoff" />
      {chart.pointCount === 0 && (
        <p className="empty">
          No ticks in this window yet. Each poll of <strong>{daemon.name}</strong> adds a point here; press Wake on the Overview
          to poll now.
        </p>
      )}
      <UPlotChart
        testId="backoff-chart"
        label={`Delay per tick for ${daemon.name}: ${chart.pointCount} ticks; the line is the configured curve from ${base / 1000} s up to ${cap / 1000} s`}
        layoutKey="backoff"
        pointCount={chart.pointCount}
        data={data}
        options={(width) => backoffOptions(width)}
      />
    </section>
  );
}

function backoffOptions(width: number): uPlot.Options {
  const colors = themeColors();
  const axis = { stroke: colors.text, grid: { stroke: colors.grid }, ticks: { stroke: colors.grid } };
  return {
    width,
    height: 320,
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [axis, { ...axis, label: 'delay (s)' }],
    series: [
      {},
      ...DELAY_REASONS.map((r) => ({
        label: REASON_STYLES[r].label,
        stroke: REASON_STYLES[r].color,
        fill: REASON_STYLES[r].color,
        // Points only: each tick is one dot in the colour of its reason.
        paths: () => null,
        points: { show: true, size: 7, fill: REASON_STYLES[r].color },
        value: (_u: uPlot, v: number | null) => (v === null ? '—' : `${v.toFixed(1)} s`),
      })),
      {
        label: 'configured curve',
        stroke: colors.text,
        dash: [4, 4],
        width: 1,
        spanGaps: false,
        points: { show: false },
        value: (_u: uPlot, v: number | null) => (v === null ? '—' : `${v.toFixed(1)} s`),
      },
    ],
  };
}
