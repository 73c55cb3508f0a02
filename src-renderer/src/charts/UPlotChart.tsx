/**
 * A thin React owner of one uPlot instance. uPlot draws synchronously, so a
 * data change is one setData call; the chart is rebuilt only when its series
 * layout (`layoutKey`) changes. Creation and each setData are timed with the
 * User Timing API ("chart:create:<testId>", "chart:setData:<testId>") so that
 * bench/render.ts can read them from Chromium.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface UPlotChartProps {
  testId: string;
  /** Accessible description of what the chart shows (the canvas itself says nothing to a screen reader). */
  label: string;
  layoutKey: string;
  options: (width: number) => uPlot.Options;
  data: uPlot.AlignedData;
  pointCount: number;
  /**
   * The time axis in seconds, [window start, now]: fixed, so that one tick or
   * none still shows the chosen window rather than whatever uPlot would
   * guess from the data.
   */
  xRange: [number, number];
  /** Screen-reader text: what the chart shows, in words (the canvas says nothing). */
  summary: string;
}

export function UPlotChart({ testId, label, layoutKey, options, data, pointCount, xRange, summary }: UPlotChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const latestData = useRef(data);
  latestData.current = data;
  const latestOptions = useRef(options);
  latestOptions.current = options;
  const latestRange = useRef(xRange);
  latestRange.current = xRange;

  // biome-ignore lint/correctness/useExhaustiveDependencies: rebuilt only when the series layout changes; data flows through setData below
  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const start = performance.now();
    const opts = latestOptions.current(Math.max(300, el.clientWidth));
    // Every autoscale of x (creation, setData) lands on the chosen window.
    opts.scales = { ...opts.scales, x: { ...opts.scales?.x, time: true, range: () => latestRange.current } };
    // The x scale uPlot actually drew, for tests: the axis is on a canvas they cannot read.
    const showScale = (u: uPlot, key: string) => {
      if (key !== 'x') return;
      el.dataset.scaleMin = String(u.scales.x?.min ?? '');
      el.dataset.scaleMax = String(u.scales.x?.max ?? '');
    };
    opts.hooks = { ...opts.hooks, setScale: [...(opts.hooks?.setScale ?? []), showScale] };
    const plot = new uPlot(opts, latestData.current, el);
    // uPlot draws in a microtask it queued during the call: measure after it.
    queueMicrotask(() => performance.measure(`chart:create:${testId}`, { start, end: performance.now() }));
    chart.current = plot;
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(300, el.clientWidth), height: plot.height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
      chart.current = null;
    };
  }, [layoutKey]);

  const [rangeMin, rangeMax] = xRange;
  useEffect(() => {
    chart.current?.setScale('x', { min: rangeMin, max: rangeMax });
  }, [rangeMin, rangeMax]);

  useEffect(() => {
    const plot = chart.current;
    if (!plot || plot.data === data) return;
    const start = performance.now();
    plot.setData(data);
    queueMicrotask(() =>
      performance.measure(`chart:setData:${testId}`, { start, end: performance.now(), detail: { points: pointCount } }),
    );
  }, [data, testId, pointCount]);

  return (
    <figure className="chart-figure">
      <div
        ref={container}
        className="chart"
        data-testid={testId}
        data-point-count={pointCount}
        data-x-min={rangeMin}
        data-x-max={rangeMax}
        role="img"
        aria-label={label}
        aria-describedby={`${testId}-summary`}
      />
      <figcaption id={`${testId}-summary`} className="chart-summary" data-testid={`${testId}-summary`}>
        {summary}
      </figcaption>
    </figure>
  );
}

/** Axis and grid colours follow the page's theme (CSS variables), since the canvas cannot use CSS. */
export function themeColors(): { text: string; grid: string } {
  const style = getComputedStyle(document.documentElement);
  return {
    text: style.getPropertyValue('--text').trim() || '#222',
    grid: style.getPropertyValue('--grid').trim() || 'rgba(128,128,128,0.2)',
  };
}
