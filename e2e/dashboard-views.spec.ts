/// <reference lib="dom" />
/**
 * The dashboard's views in Chromium against the real core (issue 12): charts
 * on first open, the push-source backoff view, pool lanes, the overview
 * cards, and screenshots of every view in light and dark. What the page shows
 * is checked against the core's own records.
 */
import type { Page } from '@playwright/test';
import { lowContrastTexts } from './support/contrast';
import { call, captureConsoleErrors, openTab, saveScreenshot } from './support/page-helpers';
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

test('tasks: choose the queue, newest first, queue column and filter, a visible confirmation', async ({ page, views }) => {
  await openTab(page, 'Tasks', expect);
  const queue = page.getByLabel('Queue', { exact: true });
  await expect(queue.locator('option')).toHaveText(['quiet', 'lanes']);
  await queue.selectOption('lanes');
  await page.getByLabel('Prompt').fill('from the form sleep=300');
  await page.getByLabel('Title (optional)').fill('From the form');
  await page.getByRole('button', { name: 'Add task' }).click();
  await expect(page.getByTestId('task-added')).toHaveText('Added “From the form” to queue lanes.');
  await queue.selectOption('quiet');
  await page.getByLabel('Prompt').fill('parked while quiet is paused');
  await page.getByLabel('Title (optional)').fill('Parked');
  await page.getByRole('button', { name: 'Add task' }).click();
  await expect(page.getByTestId('task-added')).toHaveText('Added “Parked” to queue quiet.');
  // Newest first, each with its queue.
  const rows = page.locator('[data-testid^="task-row-"]');
  await expect(rows.first().locator('strong')).toHaveText('Parked');
  await expect(rows.first().getByTestId('task-queue')).toHaveText('queue quiet');
  const stored = await call(views.core, 'listTasks', {});
  expect(stored.find((t) => t.title === 'Parked')?.queue).toBe('quiet');
  expect(stored.find((t) => t.title === 'From the form')?.queue).toBe('lanes');
  await page.getByLabel('Show queue').selectOption('lanes');
  await expect(rows.filter({ hasText: 'Parked' })).toHaveCount(0);
  await expect(rows.first().getByTestId('task-queue')).toHaveText('queue lanes');
  await expect(rows.filter({ hasText: 'From the form' }).getByTestId('task-status')).toHaveText('done', { timeout: 20_000 });
  await call(views.core, 'cancelTask', { id: stored.find((t) => t.title === 'Parked')!.id });
});

test('sessions: daemon column, state in words, filters, the timeline under its row', async ({ page, views }) => {
  await call(views.core, 'addTask', {
    title: 'Will not compile',
    prompt: 'x sleep=100 exit=2 fail-message=compile-error-in-main',
    queue: LANES_QUEUE,
  });
  await call(views.core, 'addTask', { title: 'Compiles', prompt: 'y sleep=100', queue: LANES_QUEUE });
  await openTab(page, 'Sessions', expect);
  const failed = page.locator('[data-testid^="session-row-"]', { hasText: 'Will not compile' });
  await expect(failed.getByTestId('session-state')).toHaveText(/^failed: .*compile-error-in-main/, { timeout: 20_000 });
  await expect(failed.getByTestId('session-daemon')).toHaveText('lanes');
  const done = page.locator('[data-testid^="session-row-"]', { hasText: 'Compiles' });
  await expect(done.getByTestId('session-state')).toHaveText('done', { timeout: 20_000 });
  await expect(done.getByTestId('session-duration')).toHaveText(/^\d+ (ms|s)$/);

  await page.getByLabel('State').selectOption('failed');
  await expect(done).toHaveCount(0);
  await expect(failed).toHaveCount(1);
  const all = await call(views.core, 'listSessions', {});
  const failedCount = all.filter((s) => s.state === 'failed' || s.outcome === 'failed').length;
  await expect(page.getByTestId('sessions-count')).toHaveText(`${failedCount} of ${all.length} sessions`);
  await page.getByLabel('State').selectOption('');
  await page.getByLabel('Daemon').selectOption('pushed');
  await expect(failed).toHaveCount(0);
  await page.getByLabel('Daemon').selectOption('lanes');

  // The detail opens in the row right under the session, not below the table.
  await failed.getByRole('button', { name: /Show timeline of Will not compile/ }).click();
  const next = failed.locator('xpath=following-sibling::tr[1]');
  await expect(next.getByTestId('session-timeline')).toBeVisible();
  await expect(next.getByTestId('session-timeline')).toContainText('agent_failed');
  await failed.getByRole('button', { name: /Hide timeline/ }).click();
  await expect(page.getByTestId('session-timeline')).toHaveCount(0);
});

test('settings: headless hides tray-only toggles; a saved value says it overrides nightshift.json until reset', async ({
  page,
  views,
}) => {
  await openTab(page, 'Settings', expect);
  await expect(page.getByTestId('tray-only-note')).toBeVisible();
  await expect(page.getByLabel('Start Nightshift at login')).toHaveCount(0);
  await expect(page.getByLabel('Pause new work while on battery')).toHaveCount(0);
  await expect(page.getByLabel('Notify when tasks finish, fail or hit a rate limit')).toBeVisible();

  const form = page.getByRole('form', { name: 'Tuning of lanes' });
  await expect(form.getByTestId('override-note')).toHaveCount(0);
  await form.getByLabel('Poll interval (ms)').fill('1500');
  await form.getByRole('button', { name: 'Save lanes' }).click();
  await expect(form.getByTestId('override-note')).toHaveText('overrides nightshift.json (1000 there)');
  expect((await call(views.core, 'getSettings', {})).daemons.find((d) => d.name === 'lanes')?.overridden).toEqual([
    'pollIntervalMs',
  ]);
  await form.getByRole('button', { name: 'Reset lanes to nightshift.json' }).click();
  await expect(form.getByTestId('override-note')).toHaveCount(0);
  await expect(form.getByLabel('Poll interval (ms)')).toHaveValue('1000');
  expect((await call(views.core, 'getSettings', {})).daemons.find((d) => d.name === 'lanes')?.overridden).toEqual([]);
});

test('keyboard: tabs by arrow keys, every control reachable, focus visible', async ({ page }) => {
  await page.getByRole('tab', { name: 'Overview' }).focus();
  for (const name of ['Backoff', 'Pool', 'Sessions', 'Tasks', 'Settings']) {
    await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('tab', { name })).toBeFocused();
    await expect(page.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
  }
  await page.keyboard.press('Home');
  await expect(page.getByRole('tab', { name: 'Overview' })).toBeFocused();
  // Tab from the tab list walks into the panel; every stop shows a focus ring.
  const stops: string[] = [];
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      return {
        name: `${el.tagName}:${(el.getAttribute('aria-label') || el.textContent?.trim() || '').slice(0, 30)}`,
        outline: style.outlineStyle,
      };
    });
    // Past the last control, focus leaves the page for the browser's own UI (the body reports it): not a stop.
    if (focus.name.startsWith('BODY:')) continue;
    expect(focus.outline, `focus ring on ${focus.name}`).not.toBe('none');
    stops.push(focus.name);
  }
  expect(stops).toEqual(expect.arrayContaining(['BUTTON:Resume', 'BUTTON:Pause', 'BUTTON:Wake', 'BUTTON:Pause all']));
});

const VIEWS = ['Overview', 'Backoff', 'Pool', 'Sessions', 'Tasks', 'Settings'] as const;

test('every view in light and dark: legible (contrast checked) and captured', async ({ page, views }, testInfo) => {
  // Something to show in the lanes and the sessions table, whichever specs ran before.
  const task = await call(views.core, 'addTask', { title: 'Screenshot run', prompt: 'z sleep=1500', queue: LANES_QUEUE });
  await expect.poll(async () => (await call(views.core, 'listTasks', {})).find((t) => t.id === task.id)?.status).toBe('done');
  // The checker itself can fail: grey on grey is reported.
  await page.evaluate(() => {
    const probe = document.createElement('p');
    probe.id = 'contrast-probe';
    probe.textContent = 'grey on grey';
    probe.style.cssText = 'color: #777; background: #888';
    document.body.append(probe);
  });
  expect((await lowContrastTexts(page)).map((f) => f.text)).toEqual(['grey on grey']);
  await page.evaluate(() => document.getElementById('contrast-probe')?.remove());
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const view of VIEWS) {
      await openTab(page, view, expect);
      if (view === 'Backoff') await page.getByLabel('Daemon').selectOption('pushed');
      if (view === 'Pool') {
        await page.getByLabel('Daemon').selectOption('lanes');
        await page.getByLabel('last 10 min').check();
        await expect(page.getByTestId('lane-bar').first()).toBeVisible();
      }
      if (view === 'Sessions') await expect(page.getByTestId('sessions-table')).toBeVisible();
      expect(await lowContrastTexts(page), `${view} in ${scheme}`).toEqual([]);
      await saveScreenshot(testInfo, `view-${view.toLowerCase()}-${scheme}`, (path) => page.screenshot({ path, fullPage: true }));
    }
  }
});
