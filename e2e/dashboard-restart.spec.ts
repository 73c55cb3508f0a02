/// <reference lib="dom" />
/**
 * After `nightshift run` restarts, an open dashboard reconnects by itself: a
 * real `nightshift run --dashboard` (the built CLI) is stopped and started
 * again on the same data dir (same token, same port), while Chromium keeps
 * the page open without reloading it.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import {
  assertBuilt,
  cliOk,
  FAKE_AGENT,
  killIfRunning,
  type RunningInstance,
  startRun,
  tempDir,
  waitFor,
} from '../test/cli/harness';
import { captureConsoleErrors, openTab } from './support/page-helpers';

let dir = '';
const instances: RunningInstance[] = [];

test.beforeAll(() => assertBuilt());
test.afterAll(async () => {
  instances.forEach(killIfRunning);
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function runWithDashboard(dataDir: string): Promise<{ instance: RunningInstance; url: string }> {
  const instance = await startRun(['--agent', `node ${FAKE_AGENT}`, '--dashboard', '--data-dir', dataDir]);
  instances.push(instance);
  await waitFor(() => /dashboard: http/.test(instance.stdout()), 10_000, 'the dashboard URL');
  return { instance, url: instance.stdout().match(/dashboard: (\S+)/)![1]! };
}

test('the open page reconnects by itself after nightshift run restarts, and shows what changed meanwhile', async ({ page }) => {
  test.setTimeout(90_000);
  dir = await tempDir('e2e-restart');
  const dataDir = join(dir, 'data');
  const errors = captureConsoleErrors(page);

  const first = await runWithDashboard(dataDir);
  await page.goto(first.url);
  await expect(page.getByTestId('connection')).toHaveText('connected');
  await openTab(page, 'Tasks', expect);
  await expect(page.getByTestId('tasks-empty')).toBeVisible();
  // A marker that a reload would wipe: the page must stay the same document.
  await page.evaluate(() => {
    (window as unknown as { marker: string }).marker = 'same page';
  });

  first.instance.child.kill('SIGTERM');
  await first.instance.exited;
  await expect(page.getByTestId('connection')).not.toHaveText('connected');

  const second = await runWithDashboard(dataDir);
  // Same data dir: same token and port, so the page's own URL is still valid.
  expect(second.url).toBe(first.url);
  await expect(page.getByTestId('connection')).toHaveText('connected', { timeout: 15_000 });
  expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same page');

  // Live again: a task added through the CLI to the new instance runs, and the page shows it end to end.
  await cliOk(['task', 'add', 'after the restart sleep=200', '--title', 'After restart', '--data-dir', dataDir]);
  const row = page.locator('[data-testid^="task-row-"]', { hasText: 'After restart' });
  await expect(row.getByTestId('task-status')).toHaveText('done', { timeout: 20_000 });

  second.instance.child.kill('SIGTERM');
  await second.instance.exited;
  // Connection errors while the server was down are expected; nothing else may be logged.
  expect(errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([]);
});
