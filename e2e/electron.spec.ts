/**
 * The built Electron app (out/main/index.js) with a temporary user data dir:
 * the window renders the configured daemon, pauses and resumes it, and the
 * page sees `window.nightshift` and nothing else of Node or Electron.
 *
 * The Electron binary downloads on first use and cannot on machines without
 * internet: there this spec is skipped, and says so in the output.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import type { NightshiftBridge } from '../src-main/api/bridge-types';

const ROOT = resolve(__dirname, '..');
const MAIN = join(ROOT, 'out/main/index.js');
const FAKE_AGENT = join(ROOT, 'test/fixtures/fake-agent.mjs');
const SKIP_MESSAGE = 'Electron binary not available on this machine — skipped';

/** The binary's path, found the way node_modules/electron/index.js does, but without its download fallback. */
function electronBinary(): string | null {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const overridden = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, process.platform === 'win32' ? 'electron.exe' : 'electron');
    return existsSync(overridden) ? overridden : null;
  }
  const pkgDir = dirname(require.resolve('electron/package.json'));
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

const binary = electronBinary();
if (!binary) console.log(`[electron.spec] ${SKIP_MESSAGE}`);

test.describe('Electron shell', () => {
  test.skip(!binary, SKIP_MESSAGE);

  let userData: string;
  test.beforeEach(async () => {
    userData = await mkdtemp(join(tmpdir(), 'nightshift-electron-'));
    const config = {
      daemons: [
        {
          name: 'local',
          source: { kind: 'local', queue: 'default' },
          runtime: { kind: 'command', command: ['node', FAKE_AGENT], promptVia: 'stdin' },
          maxConcurrent: 2,
          pollIntervalMs: 1000,
          jitter: false,
        },
      ],
    };
    await writeFile(join(userData, 'nightshift.json'), JSON.stringify(config));
  });
  test.afterEach(async () => {
    await rm(userData, { recursive: true, force: true });
  });

  test('the window renders a daemon, pauses and resumes it', async () => {
    expect(existsSync(MAIN), 'run `npx electron-vite build` first').toBe(true);
    const app = await electron.launch({
      executablePath: binary!,
      args: [MAIN, '--no-sandbox'],
      env: { ...process.env, NIGHTSHIFT_USER_DATA: userData, NIGHTSHIFT_OPEN_WINDOW: '1' },
    });
    try {
      const page = await app.firstWindow();
      const card = page.getByTestId('daemon-card-local');
      await expect(card).toBeVisible();
      await expect(card.getByTestId('daemon-state')).not.toHaveText('paused');

      // Only the bridge reached the page.
      const exposed = await page.evaluate(() => ({
        bridge: Object.keys((globalThis as unknown as { nightshift?: object }).nightshift ?? {}).sort(),
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
      }));
      expect(exposed).toEqual({ bridge: ['invoke', 'on'], require: 'undefined', process: 'undefined' });

      await card.getByRole('button', { name: 'Pause' }).click();
      await expect(card.getByTestId('daemon-state')).toHaveText('paused');
      const paused = await page.evaluate(() =>
        (globalThis as unknown as { nightshift: NightshiftBridge }).nightshift.invoke('getSnapshot', {}),
      );
      expect(paused).toMatchObject({ result: { daemons: [{ name: 'local', paused: true }] } });

      await card.getByRole('button', { name: 'Resume' }).click();
      await expect(card.getByTestId('daemon-state')).not.toHaveText('paused');
      const resumed = await page.evaluate(() =>
        (globalThis as unknown as { nightshift: NightshiftBridge }).nightshift.invoke('getSnapshot', {}),
      );
      expect(resumed).toMatchObject({ result: { daemons: [{ name: 'local', paused: false }] } });

      // The data went where we said.
      expect(await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData'))).toBe(userData);
    } finally {
      await app.close();
    }
  });
});
