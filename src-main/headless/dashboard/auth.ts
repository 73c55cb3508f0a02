/**
 * Who may talk to the dashboard: whoever holds the per-run token (given in the
 * printed URL, then carried by an HttpOnly cookie for asset loads), from a page
 * served by this very server. The server binds to 127.0.0.1, but any local
 * process and any web page open in the user's browser can reach a loopback
 * port — the token and the Origin/Host checks are what keep them out.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'nightshift_token';

export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time comparison, so response timing does not leak the token byte by byte. */
export function tokensEqual(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  // timingSafeEqual throws on different lengths; the length itself is not secret.
  return a.length === b.length && timingSafeEqual(a, b);
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** Where the token came from decides whether the response must set the cookie. */
export type TokenCheck = 'query' | 'cookie' | 'missing';

export function checkToken(req: IncomingMessage, url: URL, expected: string): TokenCheck {
  if (tokensEqual(url.searchParams.get('token'), expected)) return 'query';
  if (tokensEqual(readCookie(req.headers.cookie, TOKEN_COOKIE), expected)) return 'cookie';
  return 'missing';
}

export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

/** The origins a page served by this server has: http://127.0.0.1:<port> and http://localhost:<port>. */
export function allowedOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

/**
 * Browsers always send Origin on a WebSocket upgrade, so a foreign page is
 * refused here; non-browser clients (the CLI, tests) may omit it and are
 * still held to the token.
 */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  return origin === undefined || allowedOrigins(port).includes(origin);
}

/** Refuses DNS-rebinding: a foreign name that resolves to 127.0.0.1 still carries its own Host. */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}
