/**
 * The headless dashboard in Chromium against the real core: every check that
 * something happened is made through the core's own handlers (request counts,
 * tick rows, sessions), not only through what the page shows.
 */
import type { Page, TestInfo } from '@playwright/test';
import type { RequestName, RequestResult } from '@shared/contract';
import { unwrapReply } from '@shared/envelope';
import { WebSocket } from 'ws';
import type { NightshiftCore } from '../src-main/api/core-api';
import { dispatchRequest } from '../src-main/api/dispatch';
import { BOARD_POLL_MS, BOARD_QUEUE, expect, REMOTE_POLL_MS, test } from './support/dashboard-fixture';

test.describe.configure({ mode: 'serial' });

/** Calls the core through the same validated dispatch as the transports. */
async function call<K extends RequestName>(core: NightshiftCore, name: K, args: unknown): Promise<RequestResult<K>> {
  return unwrapReply<RequestResult<K>>(await dispatchRequest(core.handlers, name, args));
}

test.afterEach(() => {
  expect(consoleErrors).toEqual([]);
});

async function daemon(core: NightshiftCore, name: string) {
  const snapshot = await call(core, 'getSnapshot', {});
  return snapshot.daemons.find((d) => d.name === name)!;
}

async function tickCount(core: NightshiftCore, name: string): Promise<number> {
  return (await call(core, 'getTicks', { daemon: name, since: 0 })).length;
}

/** Kept in test-results/ (a CI artifact) and attached to the report. */
async function saveScreenshot(testInfo: TestInfo, name: string, take: (path: string) => Promise<unknown>) {
  const path = testInfo.outputPath(`${name}.png`);
  await take(path);
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

async function openTab(page: Page, name: string) {
  await page.getByRole('tab', { name }).click();
  await expect(page.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
}

/** Console errors of the current page: a CSP violation or a React error fails the spec. */
let consoleErrors: string[] = [];

test.beforeEach(async ({ page, dashboard }) => {
  consoleErrors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(err.message));
  await page.goto(dashboard.server.url);
  await expect(page.getByTestId('connection')).toHaveText('connected');
});

test('shows a card per configured daemon', async ({ page }, testInfo) => {
  for (const name of ['local', 'board']) {
    const card = page.getByTestId(`daemon-card-${name}`);
    await expect(card.getByRole('heading', { name })).toBeVisible();
    await expect(card.getByTestId('daemon-state')).toHaveText(/idle|working|backing off/);
  }
  await expect(page.getByTestId('daemon-card-local').getByTestId('slot')).toHaveCount(2);
  await expect(page.getByTestId('daemon-card-board').getByTestId('countdown')).toHaveText(/next poll in \d+ s|polling now/);
  await saveScreenshot(testInfo, 'overview', (path) => page.screenshot({ path, fullPage: true }));

  // The theme follows the system's colour scheme.
  const body = page.locator('body');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(body).toHaveCSS('background-color', 'rgb(247, 247, 248)');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(body).toHaveCSS('background-color', 'rgb(13, 17, 23)');
  await saveScreenshot(testInfo, 'overview-dark', (path) => page.screenshot({ path, fullPage: true }));
});

test('Pause (polled HTTP source): the card says paused and the loop makes no more source requests', async ({
  page,
  dashboard,
}) => {
  const { core, taskServer } = dashboard;
  const card = page.getByTestId('daemon-card-remote');
  // Running: the fixture server sees the listings of the idle poll arrive.
  const before = taskServer.counts().list;
  await expect.poll(() => taskServer.counts().list).toBeGreaterThan(before + 1);

  await card.getByRole('button', { name: 'Pause' }).click();
  await expect(card.getByTestId('daemon-state')).toHaveText('paused');
  // A request already in flight when Pause arrived may finish; count from after it.
  await page.waitForTimeout(REMOTE_POLL_MS * 2);
  const requests = (await daemon(core, 'remote')).requestsToday;
  const served = taskServer.requests().length;
  const ticks = await tickCount(core, 'remote');
  // Ten poll intervals at most (the idle cap is 4): a running loop would have polled several times.
  await page.waitForTimeout(REMOTE_POLL_MS * 10);
  expect((await daemon(core, 'remote')).requestsToday).toBe(requests);
  expect(taskServer.requests().length).toBe(served);
  expect(await tickCount(core, 'remote')).toBe(ticks);

  // Wake: the paused loop has no timer, so a tick right after the click is the wake's.
  const task = taskServer.addTask({ title: 'remote work', prompt: 'from the board sleep=100' });
  const clickedAt = Date.now();
  await card.getByRole('button', { name: 'Wake' }).click();
  await expect.poll(() => tickCount(core, 'remote'), { timeout: 2_000 }).toBeGreaterThan(ticks);
  const [woke] = await call(core, 'getTicks', { daemon: 'remote', since: clickedAt - 1 });
  // The woken tick found the task, so its delay reason may already be "work" (a dispatch resets it too).
  expect(['wake', 'work']).toContain(woke?.reason);
  expect(woke!.at).toBeGreaterThanOrEqual(clickedAt - 1);
  await expect.poll(() => taskServer.getTask(task.id)?.status, { timeout: 15_000 }).toBe('done');
});

test('Pause (push-woken local queue): the card says paused and the loop makes no more source requests', async ({
  page,
  dashboard,
}) => {
  const { core } = dashboard;
  const card = page.getByTestId('daemon-card-board');
  await card.getByRole('button', { name: 'Pause' }).click();
  await expect(card.getByTestId('daemon-state')).toHaveText('paused');
  await expect(card.getByRole('button', { name: 'Resume' })).toBeVisible();
  await expect(card.getByTestId('countdown')).toHaveText('paused — no polling');
  expect((await daemon(core, 'board')).paused).toBe(true);

  // A tick already running when Pause arrived may finish; measure from after it.
  await page.waitForTimeout(BOARD_POLL_MS);
  const requests = (await daemon(core, 'board')).requestsToday;
  const ticks = await tickCount(core, 'board');
  // New work on its queue would wake a running daemon at once (push): a paused one must not even look.
  const queued = await call(core, 'addTask', {
    prompt: 'queued while paused sleep=100',
    title: 'while paused',
    queue: BOARD_QUEUE,
  });
  await page.waitForTimeout(BOARD_POLL_MS * 10);
  expect((await daemon(core, 'board')).requestsToday).toBe(requests);
  expect(await tickCount(core, 'board')).toBe(ticks);
  const [task] = await call(core, 'listTasks', { queue: BOARD_QUEUE });
  expect(task).toMatchObject({ id: queued.id, status: 'todo' });
});

test('Wake: a tick happens at once and picks up the waiting work', async ({ page, dashboard }) => {
  const { core } = dashboard;
  const card = page.getByTestId('daemon-card-board');
  expect((await daemon(core, 'board')).paused).toBe(true);
  const ticks = await tickCount(core, 'board');
  const requests = (await daemon(core, 'board')).requestsToday;

  const clickedAt = Date.now();
  await card.getByRole('button', { name: 'Wake' }).click();
  // A paused loop has no timer: any tick now was caused by the wake.
  await expect.poll(() => tickCount(core, 'board'), { timeout: 2_000 }).toBeGreaterThan(ticks);
  const woke = (await call(core, 'getTicks', { daemon: 'board', since: clickedAt - 1 }))[0]!;
  expect(woke.at).toBeGreaterThanOrEqual(clickedAt - 1);
  expect((await daemon(core, 'board')).requestsToday).toBeGreaterThan(requests);
  await expect(card.getByTestId('daemon-state')).not.toHaveText('paused');
  await expect
    .poll(async () => (await call(core, 'listTasks', { queue: BOARD_QUEUE }))[0]?.status, { timeout: 15_000 })
    .toBe('done');
});

test('adding a task in the Tasks view starts a session that ends done', async ({ page, dashboard }) => {
  await openTab(page, 'Tasks');
  // An empty prompt is refused before anything is sent.
  await page.getByRole('button', { name: 'Add task' }).click();
  await expect(page.getByText('must not be empty')).toBeVisible();

  await page.getByLabel('Prompt').fill('Say hello from the e2e spec sleep=300');
  await page.getByLabel('Title (optional)').fill('e2e hello');
  await page.getByLabel('Working directory (optional)').fill(dashboard.dataDir);
  await page.getByRole('button', { name: 'Add task' }).click();
  const row = page.locator('[data-testid^="task-row-"]', { hasText: 'e2e hello' });
  await expect(row).toBeVisible();

  await openTab(page, 'Sessions');
  const session = page.locator('[data-testid^="session-row-"]', { hasText: 'e2e hello' });
  await expect(session).toBeVisible();
  await expect(session.getByTestId('session-state')).toHaveText('done', { timeout: 20_000 });
  await session.getByRole('button', { name: /Show timeline/ }).click();
  await expect(page.getByTestId('session-timeline').getByRole('listitem').first()).toBeVisible();

  const sessions = await call(dashboard.core, 'listSessions', { daemon: 'local' });
  expect(sessions.filter((s) => s.taskTitle === 'e2e hello').map((s) => s.outcome)).toEqual(['done']);
  await openTab(page, 'Tasks');
  await expect(row.getByTestId('task-status')).toHaveText('done');
});

test('the backoff chart has one point per recorded tick; charts are captured', async ({ page, dashboard }, testInfo) => {
  const { core } = dashboard;
  // Stop the loops so that the count holds still while page and core are compared.
  await call(core, 'pauseAll', {});
  await openTab(page, 'Backoff');
  await page.getByLabel('Daemon').selectOption('remote');
  const chart = page.getByTestId('backoff-chart');
  const recorded = (await call(core, 'getTicks', { daemon: 'remote', since: Date.now() - 3_600_000 })).length;
  expect(recorded).toBeGreaterThan(5);
  await expect(chart).toHaveAttribute('data-point-count', String(recorded));
  await expect(chart.locator('canvas')).toBeVisible();
  await saveScreenshot(testInfo, 'backoff-chart', (path) => chart.screenshot({ path }));

  await openTab(page, 'Pool');
  await page.getByLabel('Daemon').selectOption('local');
  const pool = page.getByTestId('pool-chart');
  const localTicks = (await call(core, 'getTicks', { daemon: 'local', since: Date.now() - 3_600_000 })).length;
  await expect(pool).toHaveAttribute('data-point-count', String(localTicks));
  await saveScreenshot(testInfo, 'pool-chart', (path) => pool.screenshot({ path }));
  await call(core, 'wakeAll', {});
});

test('requests without the token are refused', async ({ dashboard, playwright }) => {
  const origin = `http://127.0.0.1:${dashboard.server.port}`;
  // A fresh request context carries no cookie from the page.
  const anonymous = await playwright.request.newContext();
  expect((await anonymous.get(`${origin}/`)).status()).toBe(401);
  expect((await anonymous.get(`${origin}/?token=not-the-token`)).status()).toBe(401);
  expect((await anonymous.get(`${origin}/?token=${dashboard.server.token}`)).status()).toBe(200);
  await anonymous.dispose();

  const status = await new Promise<number>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${dashboard.server.port}/ws`, { origin });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('error', () => {});
  });
  expect(status).toBe(401);
});
