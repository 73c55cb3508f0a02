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
}

export function UPlotChart({ testId, label, layoutKey, options, data, pointCount }: UPlotChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const latestData = useRef(data);
  latestData.current = data;
  const latestOptions = useRef(options);
  latestOptions.current = options;

  // biome-ignore lint/correctness/useExhaustiveDependencies: rebuilt only when the series layout changes; data flows through setData below
  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const start = performance.now();
    const plot = new uPlot(latestOptions.current(Math.max(300, el.clientWidth)), latestData.current, el);
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
    <div ref={container} className="chart" data-testid={testId} data-point-count={pointCount} role="img" aria-label={label} />
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
