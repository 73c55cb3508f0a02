/**
 * The dashboard's views in Chromium against the real core (issue 12): charts
 * on first open, the push-source backoff view, pool lanes, the overview
 * cards, and screenshots of every view in light and dark. What the page shows
 * is checked against the core's own records.
 */
import type { Page } from '@playwright/test';
import { call, captureConsoleErrors, openTab } from './support/page-helpers';
import { expect, LANES_QUEUE, test } from './support/views-fixture';

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

test('pool lanes and overview cards: running, done, failed and rate-limited runs, from the real core', async ({
  page,
  views,
}) => {
  const { core } = views;
  const add = (title: string, prompt: string) => call(core, 'addTask', { title, prompt, queue: LANES_QUEUE });
  await call(core, 'pauseDaemon', { name: 'lanes' });
  const long = await add('Long A', 'first sleep=6000');
  await add('Long B', 'second sleep=6000');
  await add('Breaks', 'third sleep=200 exit=3 fail-message=the-build-is-red');
  const resetAt = Math.ceil(Date.now() / 1000) + 5;
  await add('Limited', `fourth sleep=200 ratelimit=${resetAt}`);
  await call(core, 'wakeDaemon', { name: 'lanes' });

  // Overview while A runs: its elapsed time, and the queue depth of the local queue.
  const card = page.getByTestId('daemon-card-lanes');
  await expect(card.getByTestId('running-task').filter({ hasText: 'Long A' })).toHaveText(/^Long A — \d+ (ms|s)$/);
  await expect(card.getByTestId('queue-depth')).toHaveText(/^\d+ todo · \d+ in progress · 0 in review$/);
  await expect(card.getByTestId('requests-today')).toHaveText('no network requests (local queue)');
  await expect(card.getByTestId('saved')).toHaveCount(0);

  // Pool lanes while A runs: a running bar labelled with its task.
  await openTab(page, 'Pool', expect);
  await page.getByLabel('Daemon').selectOption('lanes');
  // Runs of seconds are readable in the shortest window.
  await page.getByLabel('last 10 min').check();
  const lanes = page.getByTestId('pool-lanes');
  await expect(lanes).toHaveAttribute('data-lane-count', '3');
  await expect(lanes.locator(`[data-task-id="${long.id}"][data-outcome="running"]`)).toHaveText('Long A');

  // Everything ends: done, failed, and the rate-limited task waits (holding its slot), then resumes and ends done.
  await expect
    .poll(async () => (await call(core, 'listTasks', { queue: LANES_QUEUE })).map((t) => t.status).sort(), { timeout: 30_000 })
    .toEqual(['done', 'done', 'done', 'failed']);
  const spans = (await call(core, 'getSessionSpans', { daemon: 'lanes', since: 0 })).filter((s) => s.kind !== 'review_wait');
  expect(spans.map((s) => `${s.taskTitle}:${s.kind}:${s.outcome}`).sort()).toEqual([
    'Breaks:run:failed',
    'Limited:rate_limit_wait:rate_limited',
    'Limited:run:done',
    'Limited:run:rate_limited',
    'Long A:run:done',
    'Long B:run:done',
  ]);
  const bars = lanes.getByTestId('lane-bar');
  await expect(bars).toHaveCount(spans.length);
  await expect(lanes.locator('[data-outcome="failed"]')).toHaveText('Breaks');
  await expect(lanes.locator('[data-outcome="rate_limited"]')).toHaveCount(2);
  await expect(lanes.locator('[data-outcome="done"]')).toHaveCount(3);
  // Hover (or keyboard focus, for a bar too narrow to point at) gives the times.
  await lanes.locator(`[data-task-id="${long.id}"]`).hover();
  await expect(page.getByTestId('lane-detail')).toHaveText(/^Long A: done, \d\d:\d\d:\d\d–\d\d:\d\d:\d\d \(\d+ s\)$/);
  await lanes.locator('[data-outcome="failed"]').focus();
  await expect(page.getByTestId('lane-detail')).toHaveText(/^Breaks: failed, \d\d:\d\d:\d\d–\d\d:\d\d:\d\d \(\d+ (ms|s)\)$/);
  // The aggregate line above the lanes is the same pool.
  await expect(page.getByTestId('pool-chart')).toHaveAttribute('data-point-count', /[1-9]\d*/);

  // Overview after: the last failure's reason, an empty queue.
  await openTab(page, 'Overview', expect);
  await expect(card.getByTestId('last-failure')).toHaveText(/^Breaks: .*the-build-is-red.* \(\d\d:\d\d:\d\d\)$/);
  await expect(card.getByTestId('queue-depth')).toHaveText('0 todo · 0 in progress · 0 in review');
  await expect(card.getByTestId('running-tasks')).toHaveText('nothing');
  // A remote source counts its requests and says honestly what it saved.
  const polled = page.getByTestId('daemon-card-polled');
  await expect(polled.getByTestId('requests-today')).toHaveText(/^[\d,]+$/);
  await expect(polled.getByTestId('saved')).not.toHaveText(/^0 fewer/);
  await expect(polled.getByTestId('push-health')).toHaveText('no push channel: polling');
  await expect(page.getByTestId('daemon-card-pushed').getByTestId('push-health')).toHaveText(/^connected since \d\d:\d\d:\d\d$/);
});
