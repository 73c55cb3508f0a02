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
