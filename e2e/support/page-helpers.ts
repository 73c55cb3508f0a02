/** What the dashboard specs share: calls into the real core, tabs, screenshots, console-error capture. */
import type { Page, TestInfo } from '@playwright/test';
import type { RequestName, RequestResult } from '@shared/contract';
import { unwrapReply } from '@shared/envelope';
import type { NightshiftCore } from '../../src-main/api/core-api';
import { dispatchRequest } from '../../src-main/api/dispatch';

/** Calls the core through the same validated dispatch as the transports. */
export async function call<K extends RequestName>(core: NightshiftCore, name: K, args: unknown): Promise<RequestResult<K>> {
  return unwrapReply<RequestResult<K>>(await dispatchRequest(core.handlers, name, args));
}

/** Kept in test-results/ (a CI artifact) and attached to the report. */
export async function saveScreenshot(testInfo: TestInfo, name: string, take: (path: string) => Promise<unknown>) {
  const path = testInfo.outputPath(`${name}.png`);
  await take(path);
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

export async function openTab(page: Page, name: string, expect: typeof import('@playwright/test').expect) {
  await page.getByRole('tab', { name }).click();
  await expect(page.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
}

/** Collects console errors and page errors: a CSP violation or a React error fails the spec. */
export function captureConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}
