import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { devCspPlugin } from './src-main/shell/dev-csp-plugin';

/**
 * One build for both shells: `out/main/index.js` is the Electron main process,
 * `out/main/cli.js` the headless `nightshift` CLI (no Electron import), and
 * `out/renderer/` the dashboard both of them serve.
 */
/** `@shared/…` is src-shared/, the code that crosses the process boundary (tsconfig.base.json says the same to tsc). */
const resolveShared = { alias: { '@shared': resolve(__dirname, 'src-shared') } };

export default defineConfig({
  main: {
    resolve: resolveShared,
    build: {
      outDir: 'out/main',
      // Native and Node-only packages are loaded from node_modules at run time.
      externalizeDeps: true,
      lib: {
        entry: {
          index: resolve(__dirname, 'src-main/index.ts'),
          cli: resolve(__dirname, 'src-main/headless/cli.ts'),
        },
      },
    },
  },
  preload: {
    resolve: resolveShared,
    build: {
      outDir: 'out/preload',
      lib: { entry: { preload: resolve(__dirname, 'src-main/preload.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    resolve: resolveShared,
    plugins: [react(), devCspPlugin()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      // electron-vite leaves the renderer unminified by default; the headless
      // dashboard serves it over HTTP, so ship it small.
      minify: true,
      rolldownOptions: { input: resolve(__dirname, 'src-renderer/index.html') },
    },
  },
});
