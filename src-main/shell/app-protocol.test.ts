/**
 * The app:// handler against the real built renderer (out/renderer), and the
 * CSP in both modes: the production policy is what index.html says, and the
 * development policy admits exactly the inline scripts that Vite with
 * @vitejs/plugin-react really injects (recomputed from the installed plugin).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CONTENT_SECURITY_POLICY,
  DEV_CONTENT_SECURITY_POLICY,
  DEV_META_CONTENT_SECURITY_POLICY,
  META_CONTENT_SECURITY_POLICY,
  REACT_PREAMBLE_HASH,
} from '@shared/csp';
import react from '@vitejs/plugin-react';
import { createServer } from 'vite';
import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL, APP_SCHEME_PRIVILEGES, appProtocolHandler } from './app-protocol';
import { devCspPlugin } from './dev-csp-plugin';

const ROOT = join(__dirname, '..', '..');
const RENDERER_DIR = join(ROOT, 'out', 'renderer');
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('app:// protocol', () => {
  it('is a standard, secure scheme that bypasses nothing', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } });
  });

  it.runIf(existsSync(join(RENDERER_DIR, 'index.html')))('serves the built page and its assets with the CSP header', async () => {
    const handler = appProtocolHandler(RENDERER_DIR);
    const page = await handler(new Request(APP_INDEX_URL));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const html = await page.text();
    const script = /src="([^"]+\.js)"/.exec(html)![1]!;
    const asset = await handler(new Request(new URL(script, APP_INDEX_URL).href));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('refuses other hosts, other methods and paths that escape the renderer dir', async () => {
    const handler = appProtocolHandler(RENDERER_DIR);
    for (const url of [
      'app://nightshift/../../package.json',
      'app://nightshift/%2e%2e/%2e%2e/package.json',
      'app://nightshift/..%2f..%2fpackage.json',
      'app://other/index.html',
      'app://nightshift/missing.js',
    ]) {
      expect((await handler(new Request(url))).status, url).toBe(404);
    }
    expect((await handler(new Request(APP_INDEX_URL, { method: 'POST', body: 'x' }))).status).toBe(404);
  });
});

describe('content security policy', () => {
  it('production: no inline script, no eval, no ws://localhost; index.html carries the same policy', async () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|sha256|localhost/);
    const html = await readFile(join(ROOT, 'src-renderer', 'index.html'), 'utf8');
    expect(html).toContain(`content="${META_CONTENT_SECURITY_POLICY}"`);
    expect(META_CONTENT_SECURITY_POLICY).toBe(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''));
  });

  it("the preamble hash is the installed @vitejs/plugin-react's", () => {
    expect(REACT_PREAMBLE_HASH).toBe(sha256(react.preambleCode.replace('__BASE__', '/')));
    expect(DEV_CONTENT_SECURITY_POLICY).toContain(REACT_PREAMBLE_HASH);
  });

  it("development: the dev server's page admits every inline script it really injects, and only by hash", async () => {
    const server = await createServer({
      configFile: false,
      root: join(ROOT, 'src-renderer'),
      plugins: [react(), devCspPlugin()],
      server: { middlewareMode: true, ws: false },
      logLevel: 'silent',
    });
    try {
      const source = await readFile(join(ROOT, 'src-renderer', 'index.html'), 'utf8');
      const html = await server.transformIndexHtml('/index.html', source);
      expect(html).toContain(`content="${DEV_META_CONTENT_SECURITY_POLICY}"`);
      const inline = [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
      expect(inline.length).toBeGreaterThan(0);
      for (const body of inline) expect(DEV_META_CONTENT_SECURITY_POLICY).toContain(sha256(body));
    } finally {
      await server.close();
    }
  });
});
