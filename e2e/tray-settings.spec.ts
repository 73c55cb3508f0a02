/// <reference lib="dom" />
/**
 * Settings → source token in the tray app's window, in Chromium: the page
 * talks through the real preload bridge to the real main-side handlers, core
 * and keychain store (e2e/support/tray-window-fixture.ts). A daemon stopped
 * as unauthorized gets its token from the password field and is polling the
 * fixture server with it seconds later; the page never shows the token, the
 * keychain file never holds it in plaintext. The headless dashboard, on the
 * same server, shows no token field.
 */
import { readFile } from 'node:fs/promises';
import { call, captureConsoleErrors, openTab } from './support/page-helpers';
import { expect, TEAM_TOKEN, test } from './support/tray-window-fixture';

test.describe.configure({ mode: 'serial' });

test('a token typed in Settings reaches the daemon, and is never shown or stored in plaintext', async ({ page, tray }) => {
  const errors = captureConsoleErrors(page);
  const teamState = async () => (await call(tray.core, 'getSnapshot', {})).daemons.find((d) => d.name === 'team')!.state;
  await expect.poll(teamState).toBe('unauthorized');
  expect(tray.taskServer.requests()).toEqual([]);

  await tray.installPreload(page);
  await page.goto(tray.server.url);
  await openTab(page, 'Settings', expect);
  const row = page.getByRole('form', { name: 'Token of team' });
  await expect(row.getByTestId('token-stored')).toHaveText('No token stored.');
  await expect(page.getByRole('form', { name: 'Token of local' })).toHaveCount(0);
  const field = row.getByLabel(/Token for team/);
  await expect(field).toHaveAttribute('type', 'password');

  await field.fill(TEAM_TOKEN);
  await row.getByRole('button', { name: 'Save token for team' }).click();
  await expect(row.getByRole('status')).toHaveText('Saved in the OS keychain.');
  await expect(row.getByTestId('token-stored')).toHaveText('A token is stored.');
  await expect(field).toHaveValue('');
  await expect.poll(() => tray.taskServer.requests().some((r) => r.authorization === `Bearer ${TEAM_TOKEN}`)).toBe(true);
  await expect.poll(teamState).not.toBe('unauthorized');

  expect(await page.content()).not.toContain(TEAM_TOKEN);
  const sealed = await readFile(tray.secretsFile, 'utf8');
  expect(Object.keys(JSON.parse(sealed))).toEqual(['team-queue']);
  expect(sealed).not.toContain(TEAM_TOKEN);

  await row.getByRole('button', { name: 'Clear token for team' }).click();
  await expect(row.getByTestId('token-stored')).toHaveText('No token stored.');
  await expect.poll(teamState).toBe('unauthorized');
  expect(errors).toEqual([]);
});

test('the headless dashboard has no token field', async ({ page, tray }) => {
  const errors = captureConsoleErrors(page);
  await page.goto(tray.server.url);
  await expect(page.getByTestId('connection')).toHaveText('connected');
  await openTab(page, 'Settings', expect);
  await expect(page.getByTestId('tray-only-note')).toBeVisible();
  await expect(page.getByTestId('source-tokens')).toHaveCount(0);
  expect(errors).toEqual([]);
});
