/**
 * The Content-Security-Policy of the app's own pages. In the packaged app the
 * app:// protocol handler sends it as a response header (app-protocol.ts);
 * the headless dashboard sends it too; `src-renderer/index.html` repeats it in
 * a <meta http-equiv> tag (minus frame-ancestors, which a meta tag cannot carry).
 *
 * - scripts and styles only from the app itself (no inline script, no eval);
 *   'unsafe-inline' styles because React and uPlot set style attributes;
 * - images from the app and data: URLs (uPlot legends, icons);
 * - connect-src 'self' plus the loopback WebSocket of the headless dashboard;
 * - no plugins, no framing, no form posts, no <base> hijack.
 *
 * In development (`npm run dev`, electron-vite's dev server) two things more
 * are needed and allowed there only: @vitejs/plugin-react's inline
 * "preamble" script, by its sha256 (the test recomputes it from the installed
 * plugin, so an upgrade that changes it fails loudly instead of showing a
 * blank page), and the dev server's HMR WebSocket on localhost.
 */

/** sha256 of @vitejs/plugin-react's inline preamble for base "/" (its `preambleCode`). */
export const REACT_PREAMBLE_HASH = "'sha256-Z2/iFzh9VMlVkEOar1f/oSHWwQk3ve1qk/C2WdsC4Xk='";

function policy(scriptSrc: string[], connectSrc: string[], frameAncestors: boolean): string {
  return [
    "default-src 'self'",
    `script-src ${scriptSrc.join(' ')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connectSrc.join(' ')}`,
    "object-src 'none'",
    "frame-src 'none'",
    ...(frameAncestors ? ["frame-ancestors 'none'"] : []),
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

const PROD_SCRIPT = ["'self'"];
const PROD_CONNECT = ["'self'", 'ws://127.0.0.1:*'];
const DEV_SCRIPT = ["'self'", REACT_PREAMBLE_HASH];
const DEV_CONNECT = ["'self'", 'ws://127.0.0.1:*', 'ws://localhost:*'];

export const CONTENT_SECURITY_POLICY = policy(PROD_SCRIPT, PROD_CONNECT, true);
/** What index.html's meta tag says (CONTENT_SECURITY_POLICY without frame-ancestors). */
export const META_CONTENT_SECURITY_POLICY = policy(PROD_SCRIPT, PROD_CONNECT, false);

export const DEV_CONTENT_SECURITY_POLICY = policy(DEV_SCRIPT, DEV_CONNECT, true);
export const DEV_META_CONTENT_SECURITY_POLICY = policy(DEV_SCRIPT, DEV_CONNECT, false);
