/**
 * Builds the renderer the way electron-vite does (same root, same React
 * plugin) into a directory of the caller's choice, so that the dashboard specs
 * and the render bench do not depend on the main-process build succeeding.
 */
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

export const REPO_ROOT = resolve(__dirname, '..', '..');

export async function buildRenderer(outDir: string): Promise<string> {
  await build({
    root: resolve(REPO_ROOT, 'src-renderer'),
    base: './',
    plugins: [react()],
    logLevel: 'warn',
    configFile: false,
    build: {
      outDir,
      emptyOutDir: true,
      modulePreload: { polyfill: false },
      rolldownOptions: { input: resolve(REPO_ROOT, 'src-renderer/index.html') },
    },
  });
  return outDir;
}
