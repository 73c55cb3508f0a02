/**
 * Default-deny for everything a page could ask of Electron: navigation away
 * from the app page, new windows, webviews, permissions (camera, notifications
 * from the page, geolocation, …). The CSP header is added to the app's own
 * responses. One module, applied to every webContents the app creates.
 */

import { CONTENT_SECURITY_POLICY, DEV_CONTENT_SECURITY_POLICY } from '@shared/csp';
import type { Session, WebContents, WebRequest } from 'electron';
import type { AppPage } from './app-page';

/** `will-navigate` handler: only the app page itself may load (e.g. a reload). */
export function navigationGuard(page: AppPage) {
  return (event: { preventDefault(): void }, url: string): void => {
    if (!page.isAppUrl(url)) event.preventDefault();
  };
}

/** `setWindowOpenHandler`: the dashboard never opens windows. */
export function denyWindowOpen(): { action: 'deny' } {
  return { action: 'deny' };
}

export function hardenWebContents(contents: WebContents, page: AppPage): void {
  contents.on('will-navigate', navigationGuard(page));
  contents.on('will-redirect', navigationGuard(page));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(denyWindowOpen);
}

/** Adds the CSP header to the app page's own responses: the development policy for the dev server's, else the strict one. */
export function cspHeaders(
  page: AppPage,
  details: { url: string; responseHeaders?: Record<string, string[]> },
): Record<string, string[]> | undefined {
  if (!page.isAppUrl(details.url)) return details.responseHeaders;
  const policy = page.isDevServer ? DEV_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY;
  return { ...details.responseHeaders, 'Content-Security-Policy': [policy] };
}

/** The slice of a Session this module uses (Electron's own types; a test passes the typed fake). */
export type SessionSlice = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> & {
  webRequest: { onHeadersReceived(listener: Parameters<WebRequest['onHeadersReceived']>[0]): void };
};

export function hardenSession(session: SessionSlice, page: AppPage): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: cspHeaders(page, details) });
  });
}
