/**
 * Serves the built renderer (out/renderer) read-only. Only files below the
 * root are reachable: the decoded path is resolved and must stay inside it.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a URL pathname to a file below `root`, or null when the path is
 * malformed or would escape the root ("/../", encoded "%2e%2e", NUL bytes).
 */
export function resolveStaticPath(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const base = resolve(root);
  const full = resolve(base, relative);
  return full.startsWith(base + sep) ? full : null;
}

/** Streams the file; answers 404 for anything missing or not a regular file. */
export async function serveStaticFile(res: ServerResponse, root: string, pathname: string, headOnly: boolean): Promise<void> {
  const path = resolveStaticPath(root, pathname);
  if (path === null) return sendText(res, 404, 'not found');
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) return sendText(res, 404, 'not found');
  res.writeHead(200, {
    'Content-Type': contentTypeFor(path),
    'Content-Length': info.size,
    // Hashed assets could be cached, but the page carries the token: keep it simple and fresh.
    'Cache-Control': 'no-store',
  });
  if (headOnly) {
    res.end();
    return;
  }
  await new Promise<void>((done) => {
    const stream = createReadStream(path);
    stream.on('error', () => {
      res.destroy();
      done();
    });
    stream.on('close', done);
    stream.pipe(res);
  });
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
