/**
 * What e2e/electron.spec.ts reaches from the main process (through
 * Playwright's app.evaluate): the tray and its current menu. Electron has no
 * API to list trays, so the spec could not find the tray otherwise.
 *
 * Only with NIGHTSHIFT_E2E=1 *and* an unpackaged app (the spec launches the
 * project root): a packaged build never exposes anything, whatever its env.
 */
import type { Menu, Tray } from 'electron';

export interface E2EHandles {
  tray: Tray;
  menu(): Menu | null;
}

export interface E2EGlobal {
  __nightshiftE2E?: E2EHandles;
}

export function e2eHooksEnabled(env: Record<string, string | undefined>, isPackaged: boolean): boolean {
  return env.NIGHTSHIFT_E2E === '1' && !isPackaged;
}

export function exposeForE2E(handles: E2EHandles): void {
  (globalThis as E2EGlobal).__nightshiftE2E = handles;
}
