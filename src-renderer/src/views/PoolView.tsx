import { useMemo } from 'react';
import uPlot from 'uplot';
import { ChartControls, useChartSelection } from '../charts/chart-controls';
import { buildPoolData, type PoolChartData } from '../charts/pool-data';
import { themeColors, UPlotChart } from '../charts/UPlotChart';
import { useDashboardState } from '../context';
import { PoolLanes } from './PoolLanes';

const EMPTY: never[] = [];
const SERIES = [
  { label: 'busy', color: '#2563eb' },
  { label: 'rate-limited', color: '#ea580c' },
  { label: 'free', color: '#16a34a' },
];

export function PoolView() {
  const selection = useChartSelection();
  const { daemon, from, now } = selection;
  const ticks = useDashboardState((s) => (daemon ? (s.ticks[daemon.name] ?? EMPTY) : EMPTY));
  const pool = useMemo(() => buildPoolData(ticks, from, now), [ticks, from, now]);
  const data = useMemo((): uPlot.AlignedData => [pool.x, pool.busy, pool.rateLimited, pool.free], [pool]);
  if (!daemon) return <p className="empty">No daemons configured: the pool chart appears once a daemon runs.</p>;
  return (
    <section aria-labelledby="pool-title">
      <h2 id="pool-title">Pool: busy and free slots, then each slot's runs</h2>
      <ChartControls selection={selection} idPrefix="pool" />
      {pool.pointCount === 0 && (
        <p className="empty" data-testid="no-ticks">
          No ticks yet in this window: slot usage is recorded at every poll.
        </p>
      )}
      <UPlotChart
        testId="pool-chart"
        label={`Busy, rate-limited and free slots of ${daemon.name}`}
        summary={poolSummary(daemon.name, daemon.maxConcurrent, pool)}
        layoutKey="pool"
        pointCount={pool.pointCount}
        xRange={[from / 1000, now / 1000]}
        data={data}
        options={(width) => poolOptions(width)}
      />
      <PoolLanes daemon={daemon.name} slots={daemon.maxConcurrent} from={from} now={now} />
    </section>
  );
}

function poolSummary(name: string, slots: number, pool: PoolChartData): string {
  if (pool.pointCount === 0) return `No ticks yet for ${name} in this window.`;
  const peak = Math.max(...pool.busy.map((b, i) => b + pool.rateLimited[i]!));
  const last = pool.x.length - 1;
  return `${name} has ${slots} slots; over ${pool.pointCount} ticks at most ${peak} were in use; now ${pool.busy[last]} busy, ${pool.rateLimited[last]} rate-limited, ${pool.free[last]} free.`;
}

function poolOptions(width: number): uPlot.Options {
  const colors = themeColors();
  const axis = { stroke: colors.text, grid: { stroke: colors.grid }, ticks: { stroke: colors.grid } };
  // The value after a tick holds until the next one: a step that starts at each tick.
  const stepped = uPlot.paths.stepped?.({ align: 1 });
  return {
    width,
    height: 160,
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max + 1)] } },
    axes: [axis, { ...axis, label: 'slots', incrs: [1, 2, 5, 10] }],
    series: [{}, ...SERIES.map((s) => ({ label: s.label, stroke: s.color, width: 2, paths: stepped, points: { show: false } }))],
  };
}
