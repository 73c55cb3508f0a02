/**
 * The Content-Security-Policy of the app's own pages. Main sends it as a
 * response header (session.webRequest, shell/security.ts) and the renderer's
 * index.html repeats it in a <meta http-equiv> tag, because pages loaded from
 * file:// get no response headers at all.
 *
 * - scripts and styles only from the app itself (no inline script, no eval);
 *   'unsafe-inline' styles because React and uPlot set style attributes;
 * - images from the app and data: URLs (uPlot legends, icons);
 * - connect-src 'self' plus loopback WebSockets for the dev server's HMR;
 * - no plugins, no framing, no form posts, no <base> hijack.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
  "base-uri 'none'",
].join('; ');
