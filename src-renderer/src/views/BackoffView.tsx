/**
 * The backoff view. For a polling source: the delay chosen at each tick
 * (coloured by why) against the idle curve the loop was on. For a push
 * source: push health over time, reconnects and the slow reconcile ticks,
 * with the curve polling would follow as a faint what-if.
 */

import { idleCurveSteps } from '@shared/backoff-curve';
import type { DaemonSnapshot } from '@shared/snapshot';
import type { TickRecord } from '@shared/ticks';
import { DELAY_REASONS } from '@shared/ticks';
import { useMemo } from 'react';
import type uPlot from 'uplot';
import { type BackoffChartData, buildBackoffData, isPushDaemon, REASON_STYLES, summarizePush } from '../charts/backoff-data';
import { ChartControls, useChartSelection } from '../charts/chart-controls';
import { themeColors, UPlotChart } from '../charts/UPlotChart';
import { useDashboardState } from '../context';
import { formatClock, formatDuration } from '../logic/format';

const EMPTY: never[] = [];

export function BackoffView() {
  const selection = useChartSelection();
  const { daemon, from, now } = selection;
  const ticks = useDashboardState((s) => (daemon ? (s.ticks[daemon.name] ?? EMPTY) : EMPTY));
  const base = daemon?.pollIntervalMs ?? 10_000;
  const cap = daemon?.maxIdleBackoffMs ?? 120_000;
  const pushView = daemon ? isPushDaemon(daemon.pushHealthy, ticks, from) : false;
  const chart = useMemo(
    () => buildBackoffData({ ticks, from, now, pushView, baseMs: base, capMs: cap }),
    [ticks, from, now, pushView, base, cap],
  );
  const data = useMemo(
    (): uPlot.AlignedData => [
      chart.x,
      ...DELAY_REASONS.map((r) => chart.byReason[r]),
      chart.curve,
      chart.waiting,
      chart.whatIf,
      chart.push,
    ],
    [chart],
  );
  if (!daemon) return <p className="empty">No daemons configured: the backoff chart appears once a daemon runs.</p>;
  return (
    <section aria-labelledby="backoff-title">
      <h2 id="backoff-title">Backoff: {pushView ? 'push health and reconcile ticks' : 'delay chosen at each tick'}</h2>
      <ChartControls selection={selection} idPrefix="backoff" />
      {pushView ? (
        <PushFacts ticks={ticks} from={from} now={now} daemon={daemon} />
      ) : (
        <p className="muted" data-testid="curve-text">
          Configured curve: {curveText(base, cap)}
        </p>
      )}
      {chart.pointCount === 0 && (
        <p className="empty" data-testid="no-ticks">
          No ticks yet in this window. Each poll of <strong>{daemon.name}</strong> adds a point here; press Wake on the Overview
          to poll now.
        </p>
      )}
      <UPlotChart
        testId="backoff-chart"
        label={`Backoff chart of ${daemon.name}`}
        summary={chartSummary(daemon, chart, pushView, base, cap)}
        layoutKey={pushView ? 'backoff-push' : 'backoff-poll'}
        pointCount={chart.pointCount}
        data={data}
        xRange={[from / 1000, now / 1000]}
        options={(width) => backoffOptions(width, pushView)}
      />
    </section>
  );
}

function curveText(base: number, cap: number): string {
  const steps = idleCurveSteps(base, cap).map((ms) => `${formatSeconds(ms)}`);
  const shown = steps.length > 8 ? [...steps.slice(0, 6), '…', steps[steps.length - 1]!] : steps;
  return shown.join(' → ');
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

function PushFacts({
  ticks,
  from,
  now,
  daemon,
}: {
  ticks: readonly TickRecord[];
  from: number;
  now: number;
  daemon: DaemonSnapshot;
}) {
  const s = summarizePush({ ticks, from, now, baseMs: daemon.pollIntervalMs, capMs: daemon.maxIdleBackoffMs });
  return (
    <dl className="facts inline" data-testid="push-facts">
      <dt>Push now</dt>
      <dd data-testid="push-now">{daemon.pushHealthy ? 'connected' : 'down, polling'}</dd>
      <dt>Push uptime</dt>
      <dd data-testid="push-uptime">{s.uptimePercent === null ? 'no ticks yet' : `${s.uptimePercent}% of the window`}</dd>
      <dt>Reconnects</dt>
      <dd data-testid="push-reconnects">{s.reconnects}</dd>
      <dt>Reconcile ticks</dt>
      <dd data-testid="push-reconcile">{s.reconcileTicks}</dd>
      <dt>Requests</dt>
      <dd data-testid="push-requests">
        {s.requests} (polling on the curve: at least {s.pollingRequests})
      </dd>
    </dl>
  );
}

function chartSummary(daemon: DaemonSnapshot, chart: BackoffChartData, pushView: boolean, base: number, cap: number): string {
  if (chart.pointCount === 0) return `No ticks yet for ${daemon.name} in this window.`;
  const last = DELAY_REASONS.map((r) => chart.byReason[r]).flatMap((series, ri) =>
    series.map((v, i) => (v === null ? null : { i, v, reason: DELAY_REASONS[ri]! })).filter((p) => p !== null),
  );
  const newest = last.sort((a, b) => b.i - a.i)[0];
  const lastText = newest
    ? ` The last tick, at ${formatClock(chart.x[newest.i]! * 1000)}, chose ${formatDuration(newest.v * 1000)} (${REASON_STYLES[newest.reason].label}); the line from it to now is the time waited since.`
    : '';
  if (pushView) {
    return `${chart.pointCount} ticks of ${daemon.name}, a push source; the faint line is the idle curve polling would follow (${formatSeconds(base)} up to ${formatSeconds(cap)}).${lastText}`;
  }
  return `${chart.pointCount} ticks of ${daemon.name}; the dashed line is the idle curve the loop was on (${formatSeconds(base)} up to ${formatSeconds(cap)}).${lastText}`;
}

function backoffOptions(width: number, pushView: boolean): uPlot.Options {
  const colors = themeColors();
  const axis = { stroke: colors.text, grid: { stroke: colors.grid }, ticks: { stroke: colors.grid } };
  const seconds = (_u: uPlot, v: number | null) => (v === null ? '—' : `${v.toFixed(1)} s`);
  return {
    width,
    height: 320,
    scales: {
      x: { time: true },
      y: { range: (_u, _min, max) => [0, Math.max(1, (max ?? 1) * 1.1)] },
      // The push band sits in the bottom tenth of the plot.
      push: { range: [0, 10] },
    },
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
        value: seconds,
      })),
      {
        label: 'idle curve',
        stroke: colors.text,
        dash: [4, 4],
        width: 1,
        spanGaps: false,
        points: { show: false },
        value: seconds,
        show: !pushView,
      },
      {
        label: 'waiting now',
        stroke: colors.text,
        width: 1,
        dash: [1, 3],
        spanGaps: true,
        points: { show: false },
        value: seconds,
      },
      {
        label: 'what-if: polling',
        stroke: colors.grid,
        width: 2,
        dash: [6, 4],
        spanGaps: true,
        points: { show: false },
        value: seconds,
        show: pushView,
      },
      {
        label: 'push connected',
        scale: 'push',
        stroke: '#16a34a',
        fill: 'rgba(22, 163, 74, 0.25)',
        width: 1,
        spanGaps: true,
        paths: undefined,
        points: { show: false },
        value: (_u: uPlot, v: number | null) => (v === null ? '—' : v === 1 ? 'yes' : 'no'),
        show: pushView,
      },
    ],
  };
}
