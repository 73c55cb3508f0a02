/**
 * Which URL is "the app's own page": `app://nightshift/index.html` (the built
 * renderer, served by app-protocol.ts) or, in development, the electron-vite
 * dev server. IPC, navigation and the CSP header all ask this one question.
 */
import { APP_HOST, APP_INDEX_URL, APP_SCHEME } from './app-protocol';

export interface AppPage {
  /** What the window loads. */
  readonly url: string;
  /** The dev server's page (development CSP), not the built one. */
  readonly isDevServer: boolean;
  /** True for the app's own pages (any path, hash or query on its origin), false for everything else. */
  isAppUrl(url: string): boolean;
}

export function appPage(options: { devServerUrl?: string | undefined }): AppPage {
  if (options.devServerUrl) {
    const origin = new URL(options.devServerUrl).origin;
    return { url: options.devServerUrl, isDevServer: true, isAppUrl: (url) => httpOriginOf(url) === origin };
  }
  return { url: APP_INDEX_URL, isDevServer: false, isAppUrl: isAppProtocolUrl };
}

function httpOriginOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

function isAppProtocolUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    // No user info or port: exactly app://nightshift/…
    return (
      parsed.protocol === `${APP_SCHEME}:` &&
      parsed.host === APP_HOST &&
      parsed.username === '' &&
      parsed.password === '' &&
      parsed.port === ''
    );
  } catch {
    return false;
  }
}
