import { beforeEach, describe, expect, it, vi } from 'vitest';

// The real 'electron' module would try to download the binary: the typed fake stands in (test/support/fake-electron.ts).
vi.mock('electron', async () => (await import('../../test/support/fake-electron')).electronModule());
const { FakeBrowserWindow, FakeSession } = await import('../../test/support/fake-electron');
const created = FakeBrowserWindow.all;

const { appPage } = await import('./app-page');
const { DashboardWindow, dashboardWindowOptions } = await import('./window');
const { cspHeaders, hardenSession, navigationGuard } = await import('./security');
const { CONTENT_SECURITY_POLICY, DEV_CONTENT_SECURITY_POLICY } = await import('@shared/csp');

const page = appPage({});

beforeEach(() => {
  created.length = 0;
});

describe('dashboard window options', () => {
  it('isolate the page: context isolation, sandbox, no Node, web security on', () => {
    const prefs = dashboardWindowOptions('/opt/ns/out/preload/preload.js', '/icon.png').webPreferences!;
    expect(prefs).toMatchObject({
      preload: '/opt/ns/out/preload/preload.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});

describe('DashboardWindow', () => {
  const make = () => {
    const onCreated = vi.fn();
    return { win: new DashboardWindow({ page, preloadPath: '/p.js', iconPath: '/i.png', onCreated }), onCreated };
  };

  it('is created lazily, once, and loads the app page', () => {
    const { win, onCreated } = make();
    expect(created).toHaveLength(0);
    win.show();
    win.show();
    expect(created).toHaveLength(1);
    expect(onCreated).toHaveBeenCalledTimes(1);
    expect(created[0]!.loaded).toEqual(['app://nightshift/index.html']);
    created[0]!.emit('ready-to-show');
    expect(created[0]!.shown).toBe(2); // once on ready-to-show, once for the second show()
  });

  it('denies navigation away from the app page and every new window', () => {
    const { win } = make();
    win.show();
    const contents = created[0]!.webContents;
    const away = { preventDefault: vi.fn() };
    contents.emit('will-navigate', away, 'https://evil.example/');
    expect(away.preventDefault).toHaveBeenCalled();
    const reload = { preventDefault: vi.fn() };
    contents.emit('will-navigate', reload, 'app://nightshift/index.html#/tasks');
    expect(reload.preventDefault).not.toHaveBeenCalled();
    expect(
      contents.openHandler?.({
        url: 'https://example.com',
        frameName: '',
        features: '',
        disposition: 'new-window',
        referrer: { url: '', policy: 'no-referrer' },
      }),
    ).toEqual({ action: 'deny' });
    const webview = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('is forgotten when closed (the tray app lives on) and recreated on the next show', () => {
    const { win } = make();
    win.show();
    created[0]!.destroy();
    expect(win.current()).toBeNull();
    win.show();
    expect(created).toHaveLength(2);
  });
});

describe('security', () => {
  it('the navigation guard lets only the app page through', () => {
    const guard = navigationGuard(page);
    for (const url of [
      'http://127.0.0.1:8080/',
      'file:///etc/passwd',
      'file:///opt/ns/out/renderer/index.html',
      'app://evil/index.html',
      'app://nightshift:8080/',
      'javascript:alert(1)',
      'not a url',
    ]) {
      const event = { preventDefault: vi.fn() };
      guard(event, url);
      expect(event.preventDefault, url).toHaveBeenCalled();
    }
  });

  it('denies every permission request and check', () => {
    const session = new FakeSession();
    hardenSession(session, page);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn();
      // Electron calls it with (webContents, permission, callback, details); the handler looks at none of them.
      Reflect.apply(session.requestHandler!, undefined, [null, permission, callback, {}]);
      expect(callback).toHaveBeenCalledWith(false);
    }
    expect(Reflect.apply(session.checkHandler!, undefined, [null, 'media', 'app://nightshift', {}])).toBe(false);
    expect(session.webRequest.listener).not.toBeNull();
  });

  it('adds the CSP header to the app page only: the dev policy for the dev server, the strict one otherwise', () => {
    const dev = appPage({ devServerUrl: 'http://localhost:5173' });
    expect(cspHeaders(dev, { url: 'http://localhost:5173/index.html', responseHeaders: { A: ['1'] } })).toEqual({
      A: ['1'],
      'Content-Security-Policy': [DEV_CONTENT_SECURITY_POLICY],
    });
    expect(cspHeaders(page, { url: 'app://nightshift/index.html' })).toEqual({
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
    expect(cspHeaders(dev, { url: 'https://cdn.example/x.js', responseHeaders: { A: ['1'] } })).toEqual({ A: ['1'] });
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval/);
  });
});
