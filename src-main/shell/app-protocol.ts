/**
 * The window's page comes from `app://nightshift/…` instead of `file://`: a
 * standard, secure scheme whose only origin is the built renderer directory.
 * With it the `grantFileProtocolExtraPrivileges` fuse is off
 * (electron-builder.yml), so a page can no longer read arbitrary local files
 * the way file:// pages can, and the CSP travels as a real response header.
 *
 * Electron-free apart from the types: the handler is a plain
 * `(Request) => Promise<Response>`, tested under Node.
 */
import { readFile } from 'node:fs/promises';
import { CONTENT_SECURITY_POLICY } from '@shared/csp';
import type { CustomScheme } from 'electron';
import { contentTypeFor, resolveStaticPath } from '../api/static-files';

export const APP_SCHEME = 'app';
export const APP_HOST = 'nightshift';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * Registered before `ready` (Electron's rule): `standard` gives it real origins
 * and relative URLs, `secure` makes it a secure context, `supportFetchAPI` lets
 * the page load its modules. No `bypassCSP`, no `corsEnabled`, no service workers.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

/** Serves GETs for files below `rendererDir` on the app host; everything else is a 404. */
export function appProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || request.method !== 'GET') return notFound();
    const file = resolveStaticPath(rendererDir, url.pathname);
    if (file === null) return notFound();
    const body = await readFile(file).catch(() => null);
    if (body === null) return notFound();
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: {
        'Content-Type': contentTypeFor(file),
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  };
}

function notFound(): Response {
  return new Response('not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });
}
