/**
 * The tray app for real: Electron launched on the project root (as `npm start`
 * does, so app.getAppPath() finds .electron-native/ and resources/), with a
 * temporary data dir and XDG_CONFIG_HOME. Through the tray and the window it
 * opens: pause and wake a daemon, turn start-at-login on, run an agent, quit
 * from the tray — and then no Electron or agent process is left.
 *
 * Needs an Electron binary: node_modules/electron's (run `node
 * scripts/electron-native.mjs` once, online) or ELECTRON_OVERRIDE_DIST_PATH.
 * Where there is none (offline machines) it is skipped with one line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type ElectronApplication, _electron as electron, expect, test } from '@playwright/test';
import type { NightshiftBridge } from '@shared/bridge-types';
import { platformPath } from '../scripts/start-chain/electron-binary.mjs';
import type { E2EGlobal } from '../src-main/shell/e2e-hooks';

const ROOT = resolve(__dirname, '..');
const FAKE_AGENT = join(ROOT, 'test/fixtures/fake-agent.mjs');
const SKIP_MESSAGE =
  'no Electron binary (run `node scripts/electron-native.mjs` online, or set ELECTRON_OVERRIDE_DIST_PATH) — skipped';

/** The binary, found the way node_modules/electron/index.js does, without its download fallback. */
function electronBinary(): string | null {
  const exe = platformPath(process.platform);
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const overridden = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, exe);
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

/** Whether a process exists (signal 0 checks without signalling; works on Windows too). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Clicks a tray menu item by id, as a user would (MenuItem.click runs the item's handler). */
async function clickTrayItem(app: ElectronApplication, id: string): Promise<void> {
  await app.evaluate((_electron, itemId) => {
    const item = (globalThis as E2EGlobal).__nightshiftE2E?.menu()?.getMenuItemById(itemId);
    if (!item) throw new Error(`no tray menu item ${itemId}`);
    item.click();
  }, id);
}

test.describe('Electron tray app', () => {
  test.skip(!binary, SKIP_MESSAGE);
  test.setTimeout(120_000);

  let dir: string;
  test.beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nightshift-electron-'));
    const config = {
      daemons: [
        {
          name: 'local',
          source: { kind: 'local', queue: 'default' },
          runtime: {
            kind: 'command',
            command: [process.execPath, FAKE_AGENT],
            promptVia: 'stdin',
            env: { FAKE_AGENT_LOG: join(dir, 'agents.jsonl') },
          },
          maxConcurrent: 1,
          pollIntervalMs: 1000,
          jitter: false,
        },
      ],
    };
    await writeFile(join(dir, 'nightshift.json'), JSON.stringify(config));
  });
  test.afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('tray → window → pause and wake → start at login → an agent → quit from the tray leaves no process', async () => {
    const xdgConfig = join(dir, 'xdg-config');
    const app = await electron.launch({
      executablePath: binary!,
      // The project root, like `npm start`; --hidden: only the tray, the window opens from it.
      // --no-sandbox on Linux: CI runs as root or under the Ubuntu >= 23.10 user-namespace restriction (scripts/start-chain/linux-sandbox.mjs).
      args: [ROOT, '--hidden', ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
      env: { ...process.env, NIGHTSHIFT_USER_DATA: dir, NIGHTSHIFT_E2E: '1', XDG_CONFIG_HOME: xdgConfig },
    });
    const electronPid = app.process().pid!;
    let quit = false;
    try {
      // The tray is there, and its menu shows the daemon and the way to the dashboard.
      await expect
        .poll(() =>
          app.evaluate(() => {
            const hooks = (globalThis as E2EGlobal).__nightshiftE2E;
            if (!hooks || hooks.tray.isDestroyed()) return null;
            return hooks
              .menu()
              ?.items.map((i) => i.id)
              .filter((id) => ['daemon:local', 'open-dashboard', 'start-at-login', 'quit'].includes(id));
          }),
        )
        .toEqual(['daemon:local', 'open-dashboard', 'start-at-login', 'quit']);
      expect(app.windows()).toHaveLength(0);

      // The window opens from the tray.
      const opened = app.waitForEvent('window');
      await clickTrayItem(app, 'open-dashboard');
      const page = await opened;
      const card = page.getByTestId('daemon-card-local');
      await expect(card).toBeVisible();

      // Pause and wake through the UI.
      await card.getByRole('button', { name: 'Pause' }).click();
      await expect(card.getByTestId('daemon-state')).toHaveText('paused');
      await card.getByRole('button', { name: 'Resume' }).click();
      await expect(card.getByTestId('daemon-state')).not.toHaveText('paused');
      const resumed = await page.evaluate(() =>
        (globalThis as unknown as { nightshift: NightshiftBridge }).nightshift.invoke('getSnapshot', {}),
      );
      expect(resumed).toMatchObject({ result: { daemons: [{ name: 'local', paused: false }] } });

      // Start at login from the tray: the setting, then what each OS expects.
      await clickTrayItem(app, 'start-at-login');
      await expect
        .poll(() =>
          page.evaluate(() => (globalThis as unknown as { nightshift: NightshiftBridge }).nightshift.invoke('getSettings', {})),
        )
        .toMatchObject({ result: { app: { startAtLogin: true } } });
      if (process.platform === 'linux') {
        const desktopFile = join(xdgConfig, 'autostart', 'nightshift.desktop');
        await expect.poll(() => existsSync(desktopFile)).toBe(true);
        const entry = await readFile(desktopFile, 'utf8');
        expect(entry).toContain('[Desktop Entry]');
        expect(entry).toMatch(/^Exec=.*--hidden$/m);
        expect(entry).toContain(binary!);
      } else if (process.platform === 'win32') {
        // HKCU\...\Run on the runner: check it, then take it away again.
        await expect.poll(() => app.evaluate(({ app: a }) => a.getLoginItemSettings().openAtLogin)).toBe(true);
        await clickTrayItem(app, 'start-at-login');
        await expect.poll(() => app.evaluate(({ app: a }) => a.getLoginItemSettings().openAtLogin)).toBe(false);
      }
      // macOS 13+ registers login items through SMAppService; whether it accepts
      // the unsigned Electron.app from node_modules on a runner is unknown, so
      // only the setting is checked there (docs/electron.md).

      // An agent runs...
      await page.evaluate(() =>
        (globalThis as unknown as { nightshift: NightshiftBridge }).nightshift.invoke('addTask', {
          prompt: 'sleep=600000 a long task',
          queue: 'default',
        }),
      );
      const agentLog = join(dir, 'agents.jsonl');
      await expect.poll(() => existsSync(agentLog), { timeout: 30_000 }).toBe(true);
      const agentPid: number = JSON.parse((await readFile(agentLog, 'utf8')).split('\n')[0]!).pid;
      expect(alive(agentPid)).toBe(true);

      // ...and Quit in the tray stops it with the app.
      const closed = app.waitForEvent('close');
      await clickTrayItem(app, 'quit').catch(() => undefined); // the app may be gone before evaluate answers
      await closed;
      quit = true;
      await expect.poll(() => alive(electronPid), { timeout: 20_000 }).toBe(false);
      await expect.poll(() => alive(agentPid), { timeout: 20_000 }).toBe(false);
    } finally {
      if (!quit) await app.close();
    }
  });
});
