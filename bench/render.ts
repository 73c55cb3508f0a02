/**
 * Render bench for the dashboard, measured in Debian's Chromium against the
 * real dashboard server (fed by an in-memory core holding a synthetic tick
 * history):
 *
 * - first contentful paint and "overview ready" (a daemon card on screen),
 * - creating the backoff chart over the whole history (uPlot draws synchronously,
 *   so this is build + first draw),
 * - applying one more pushed tick to that history (setData),
 *
 * for 1 000 (the baseline), 10 000 and 20 000 (the store's cap) ticks. Each
 * case is the median of RUNS fresh page loads; ratios are against the 1 000-tick
 * baseline of the same run. Run: `npx tsx bench/render.ts`.
 */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import type { DelayReason, TickRecord } from '@shared/ticks';
import { buildRenderer, REPO_ROOT } from '../e2e/support/build-renderer';
import { startDashboardServer } from '../src-main/headless/dashboard/server';
import { createFakeCore, fakeDaemon } from '../test/support/fake-core';

const CASES = [1_000, 10_000, 20_000];
const RUNS = 5;
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** An idle daemon's history: runs of idle bumps up to the cap, broken by work and the odd wake or error. */
function syntheticHistory(count: number, endAt: number): TickRecord[] {
  const reasons: DelayReason[] = [
    'idle',
    'idle',
    'idle',
    'idle',
    'idle',
    'idle',
    'idle',
    'work',
    'idle',
    'wake',
    'idle',
    'error',
  ];
  const ticks: TickRecord[] = [];
  let delay = 10_000;
  // Spread over the last hour so that the default window shows every point.
  const step = Math.floor(3_500_000 / count);
  for (let i = 0; i < count; i++) {
    const reason = reasons[i % reasons.length]!;
    delay = reason === 'idle' ? Math.min(delay * 1.5, 120_000) : reason === 'error' ? 20_000 : 10_000;
    ticks.push({
      daemon: 'local',
      at: endAt - (count - i) * step,
      delayMs: delay,
      reason,
      requests: 1,
      dispatched: reason === 'work' ? 1 : 0,
      active: i % 3,
      rateLimited: i % 7 === 0 ? 1 : 0,
      max: 4,
      error: reason === 'error' ? 'HTTP 503' : null,
      curveMs: reason === 'error' ? null : delay,
      push: null,
    });
  }
  return ticks;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measureEntry(page: Page, name: string): Promise<number> {
  await page.waitForFunction((n) => performance.getEntriesByName(n).length > 0, name);
  return page.evaluate((n) => performance.getEntriesByName(n).at(-1)!.duration, name);
}

interface Sample {
  fcp: number;
  overviewReady: number;
  chartCreate: number;
  appendTick: number;
}

async function measureOnce(page: Page, url: string, points: number, emitTick: () => void): Promise<Sample> {
  await page.goto(url);
  await page.getByTestId('daemon-card-local').waitFor();
  const overviewReady = await page.evaluate(() => performance.now());
  const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN);
  await page.getByRole('tab', { name: 'Backoff' }).click();
  await page.waitForSelector(`[data-testid="backoff-chart"][data-point-count="${points}"]`);
  const chartCreate = await measureEntry(page, 'chart:create:backoff-chart');
  const before = await page.evaluate(() => performance.getEntriesByName('chart:setData:backoff-chart').length);
  emitTick();
  // At the store's cap the count stays the same (the oldest tick drops): wait for the draw itself.
  await page.waitForFunction((n) => performance.getEntriesByName('chart:setData:backoff-chart').length > n, before);
  const appendTick = await measureEntry(page, 'chart:setData:backoff-chart');
  return { fcp, overviewReady, chartCreate, appendTick };
}

async function main() {
  const rendererDir = await buildRenderer(resolve(REPO_ROOT, 'out', 'bench-renderer'));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
  const rows: (Sample & { points: number })[] = [];
  try {
    for (const points of CASES) {
      const samples: Sample[] = [];
      for (let run = 0; run < RUNS; run++) {
        const now = Date.now();
        const ticks = syntheticHistory(points, now);
        const core = createFakeCore({ daemons: [fakeDaemon('local', { maxConcurrent: 4 })], ticks });
        const server = await startDashboardServer({ core, rendererDir });
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        const next = { ...ticks.at(-1)!, at: now + 1, reason: 'wake' as const };
        samples.push(await measureOnce(page, server.url, points, () => core.emit('tick', next)));
        await page.close();
        await server.close();
      }
      rows.push({
        points,
        fcp: median(samples.map((s) => s.fcp)),
        overviewReady: median(samples.map((s) => s.overviewReady)),
        chartCreate: median(samples.map((s) => s.chartCreate)),
        appendTick: median(samples.map((s) => s.appendTick)),
      });
    }
  } finally {
    await browser.close();
    await rm(rendererDir, { recursive: true, force: true });
  }
  const base = rows[0]!;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const ratio = (v: number, b: number) => `×${(v / b).toFixed(2)}`;
  console.log(
    `Dashboard render in Chromium (median of ${RUNS} page loads; ratios vs the ${base.points.toLocaleString('en')}-tick baseline)\n`,
  );
  console.table(
    rows.map((r) => ({
      ticks: r.points.toLocaleString('en'),
      'first paint': ms(r.fcp),
      'overview ready': ms(r.overviewReady),
      'ready ratio': ratio(r.overviewReady, base.overviewReady),
      'backoff chart build+draw': ms(r.chartCreate),
      'chart ratio': ratio(r.chartCreate, base.chartCreate),
      'apply 1 pushed tick': ms(r.appendTick),
      'tick ratio': ratio(r.appendTick, base.appendTick),
    })),
  );
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
