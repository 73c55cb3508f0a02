/**
 * A Vite plugin for the renderer's dev server only (`apply: 'serve'`): swaps
 * index.html's production CSP meta tag for the development one, which admits
 * @vitejs/plugin-react's inline preamble by hash and the HMR WebSocket. The
 * build keeps the production tag untouched.
 */

import type { Plugin } from 'vite';
// A relative path, not `@shared/csp`: electron.vite.config.ts loads this file before any alias exists.
import { DEV_META_CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from '../../src-shared/csp';

export function devCspPlugin(): Plugin {
  return {
    name: 'nightshift-dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      const from = `content="${META_CONTENT_SECURITY_POLICY}"`;
      if (!html.includes(from)) throw new Error('index.html: the CSP meta tag differs from src-shared/csp.ts');
      return html.replace(from, `content="${DEV_META_CONTENT_SECURITY_POLICY}"`);
    },
  };
}
