/**
 * Errors are classified once, where they arise (a source's HTTP response, a
 * database driver), so that the loop's single catch only has to read `kind`.
 */

export type SourceErrorKind =
  /** 5xx, timeouts, resets, malformed bodies: error backoff, then try again. */
  | 'transient'
  /** 429: error backoff of at least 30 s, or exactly `retryAfterMs` when the server said so. */
  | 'rate_limited'
  /** 401/403: stop polling until the configuration changes. */
  | 'unauthorized';

export class SourceError extends Error {
  override readonly name = 'SourceError';
  constructor(
    readonly kind: SourceErrorKind,
    message: string,
    /** From `Retry-After`, already converted to a delay in ms. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A configuration or argument was invalid; `path` names the key. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(message: string) {
    super(message);
  }
}

/** An illegal session transition: a bug, never a user error. */
export class TransitionError extends Error {
  override readonly name = 'TransitionError';
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}

/** Connection-level answers that mean "nothing listens there now": a closed port, a removed unix socket, PostgreSQL starting up. */
const REFUSED_CODES = new Set(['ECONNREFUSED', 'ENOENT', '57P03']);

/**
 * True when `err` (or a cause, or one of an AggregateError's errors) is a
 * refused connection: the server is down or restarting and no process of it
 * did any work to say so. Retrying such a connection costs the server
 * nothing, so push channels retry it at their base delay instead of a growing
 * backoff, and come back within about a second of the server's return.
 */
export function isConnectionRefused(err: unknown, depth = 0): boolean {
  if (depth > 5 || err === null || typeof err !== 'object') return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && REFUSED_CODES.has(code)) return true;
  const nested = (err as { errors?: unknown }).errors;
  if (Array.isArray(nested) && nested.length > 0 && nested.every((e) => isConnectionRefused(e, depth + 1))) return true;
  return isConnectionRefused((err as { cause?: unknown }).cause, depth + 1);
}
