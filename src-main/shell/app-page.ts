/**
 * Which URL is "the app's own page": the built renderer file
 * (out/renderer/index.html) or, in development, the electron-vite dev server.
 * IPC, navigation and the CSP header all ask this one question.
 */
import { pathToFileURL } from 'node:url';

export interface AppPage {
  /** What the window loads. */
  readonly url: string;
  /** True for the app page itself (any hash or query), false for everything else. */
  isAppUrl(url: string): boolean;
}

export function appPage(options: { rendererFile: string; devServerUrl?: string | undefined }): AppPage {
  if (options.devServerUrl) {
    const origin = new URL(options.devServerUrl).origin;
    return { url: options.devServerUrl, isAppUrl: (url) => originOf(url) === origin };
  }
  const fileUrl = pathToFileURL(options.rendererFile).href;
  return { url: fileUrl, isAppUrl: (url) => withoutHashOrQuery(url) === fileUrl };
}

function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

function withoutHashOrQuery(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'file:') return null;
    parsed.hash = '';
    parsed.search = '';
    return parsed.href;
  } catch {
    return null;
  }
}
