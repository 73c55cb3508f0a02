/**
 * The dashboard's views in Chromium against the real core (issue 12): charts
 * on first open, the push-source backoff view, pool lanes, the overview
 * cards, and screenshots of every view in light and dark. What the page shows
 * is checked against the core's own records.
 */
import type { Page } from '@playwright/test';
import { call, captureConsoleErrors, openTab } from './support/page-helpers';
import { expect, test } from './support/views-fixture';

test.describe.configure({ mode: 'serial' });

let consoleErrors: string[] = [];

test.beforeEach(async ({ page, views }) => {
  consoleErrors = captureConsoleErrors(page);
  await page.goto(views.server.url);
  await expect(page.getByTestId('connection')).toHaveText('connected');
});

test.afterEach(() => {
  expect(consoleErrors).toEqual([]);
});

/** The x scale uPlot drew, in epoch ms. */
async function drawnWindow(page: Page, testId: string): Promise<{ min: number; max: number }> {
  const chart = page.getByTestId(testId);
  const min = Number(await chart.getAttribute('data-scale-min'));
  const max = Number(await chart.getAttribute('data-scale-max'));
  return { min: min * 1000, max: max * 1000 };
}

async function expectWindowEndingNow(page: Page, testId: string, spanMs: number) {
  // The view refreshes "now" every 5 s: allow that much, and the test's own time.
  await expect
    .poll(async () => {
      const { min, max } = await drawnWindow(page, testId);
      return Math.abs(max - Date.now()) < 15_000 && Math.abs(max - min - spanMs) < 1_000;
    })
    .toBe(true);
}

test('first open: with no tick, then one, the time axis is the chosen window ending now', async ({ page, views }) => {
  const { core } = views;
  expect(await call(core, 'getTicks', { daemon: 'quiet', since: 0 })).toEqual([]);
  await openTab(page, 'Backoff', expect);
  await page.getByLabel('Daemon').selectOption('quiet');
  const chart = page.getByTestId('backoff-chart');
  await expect(page.getByTestId('no-ticks')).toContainText('No ticks yet');
  await expect(chart).toHaveAttribute('data-point-count', '0');
  await expect(page.getByTestId('backoff-chart-summary')).toHaveText('No ticks yet for quiet in this window.');
  await expectWindowEndingNow(page, 'backoff-chart', 3_600_000);
  await page.getByLabel('last day').check();
  await expectWindowEndingNow(page, 'backoff-chart', 24 * 3_600_000);
  await page.getByLabel('last hour').check();

  // One tick: Wake polls once; the next poll is a minute away, and Pause cancels it.
  await call(core, 'wakeDaemon', { name: 'quiet' });
  await expect.poll(async () => (await call(core, 'getTicks', { daemon: 'quiet', since: 0 })).length).toBe(1);
  await call(core, 'pauseDaemon', { name: 'quiet' });
  await expect(chart).toHaveAttribute('data-point-count', '1');
  await expect(page.getByTestId('no-ticks')).toHaveCount(0);
  await expectWindowEndingNow(page, 'backoff-chart', 3_600_000);
  await expect(page.getByTestId('backoff-chart-summary')).toContainText('the line from it to now is the time waited since');

  await openTab(page, 'Pool', expect);
  await page.getByLabel('Daemon').selectOption('quiet');
  await expect(page.getByTestId('pool-chart')).toHaveAttribute('data-point-count', '1');
  await expectWindowEndingNow(page, 'pool-chart', 3_600_000);
});

test('a polling source: chosen delays against the idle curve the loop was on', async ({ page, views }) => {
  const ticks = await call(views.core, 'getTicks', { daemon: 'polled', since: 0 });
  const idle = ticks.filter((t) => t.reason === 'idle');
  expect(idle.length).toBeGreaterThan(2);
  // Jitter is off: every idle dot sits exactly on the curve value recorded with it.
  for (const t of idle) expect(t.delayMs).toBe(t.curveMs);
  await openTab(page, 'Backoff', expect);
  await page.getByLabel('Daemon').selectOption('polled');
  await expect(page.getByRole('heading', { name: 'Backoff: delay chosen at each tick' })).toBeVisible();
  await expect(page.getByTestId('curve-text')).toHaveText(/^Configured curve: 0\.3 s → .* → 1\.2 s$/);
  await expect(page.getByTestId('push-facts')).toHaveCount(0);
});

test('a push source: push uptime, reconnects and reconcile ticks, with polling as a what-if', async ({ page, views }) => {
  const { core, taskServer } = views;
  await expect
    .poll(async () => (await call(core, 'getSnapshot', {})).daemons.find((d) => d.name === 'pushed')?.pushHealthy)
    .toBe(true);
  await openTab(page, 'Backoff', expect);
  await page.getByLabel('Daemon').selectOption('pushed');
  await expect(page.getByRole('heading', { name: 'Backoff: push health and reconcile ticks' })).toBeVisible();
  await expect(page.getByTestId('push-now')).toHaveText('connected');
  await expect(page.getByTestId('push-reconcile')).not.toHaveText('0');

  // Drop the stream until the core has seen push go down and come back (a reconnect).
  const reconnects = async () => {
    const ticks = await call(core, 'getTicks', { daemon: 'pushed', since: 0 });
    return ticks.filter((t, i) => t.push === true && ticks[i - 1]?.push === false).length;
  };
  for (let i = 0; i < 5 && (await reconnects()) === 0; i++) {
    taskServer.dropEventStreams();
    await expect
      .poll(async () => (await call(core, 'getSnapshot', {})).daemons.find((d) => d.name === 'pushed')?.pushHealthy)
      .toBe(true);
    await page.waitForTimeout(500);
  }
  const seen = await reconnects();
  expect(seen).toBeGreaterThan(0);
  await expect(page.getByTestId('push-reconnects')).toHaveText(String(seen));
  await expect(page.getByTestId('push-uptime')).toHaveText(/^\d+% of the window$/);
  await expect(page.getByTestId('push-requests')).toHaveText(/^\d+ \(polling on the curve: at least \d+\)$/);
  await expect(page.getByTestId('backoff-chart-summary')).toContainText('the faint line is the idle curve polling would follow');
});
