import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

/**
 * End-to-end specs in Debian's Chromium where it is installed (never
 * `npx playwright install` here); elsewhere (the GitHub runners of
 * .github/workflows/ci.yml) Playwright's own Chromium.
 * One project per shell so that each spec file brings its own fixtures:
 * `dashboard` runs the headless dashboard against the real core,
 * `electron` is the Electron shell's spec (e2e/electron.spec.ts), `tray-window`
 * the tray app's page over its preload bridge without Electron
 * (e2e/support/tray-window-fixture.ts).
 */
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // Two cores shared with other work: the specs of a file share one core and run in order.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    headless: true,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'dashboard', testMatch: /dashboard[-.\w]*\.spec\.ts$/ },
    { name: 'electron', testMatch: /electron\.spec\.ts$/ },
    { name: 'tray-window', testMatch: /tray-[-.\w]*\.spec\.ts$/ },
  ],
});
