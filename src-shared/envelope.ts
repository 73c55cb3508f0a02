/**
 * The `{result}|{error}` reply envelope every transport carries (IPC, the
 * dashboard's WebSocket, the CLI's control socket), and how a client turns an
 * error reply back into a thrown {@link ApiCallError}. The server side that
 * produces replies is src-main/api/dispatch.ts.
 */

export const ERROR_CODES = ['bad_request', 'unknown_method', 'not_found', 'conflict', 'unavailable', 'internal'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type Reply<T = unknown> = { result: T } | { error: { code: ErrorCode; message: string } };

/** The client side: an error reply becomes a thrown {@link ApiCallError}. */
export class ApiCallError extends Error {
  override readonly name = 'ApiCallError';
  constructor(
    readonly code: ErrorCode | 'transport',
    message: string,
  ) {
    super(message);
  }
}

export function unwrapReply<T>(reply: unknown): T {
  if (reply && typeof reply === 'object') {
    if ('result' in reply) return (reply as { result: T }).result;
    const error = (reply as { error?: { code?: unknown; message?: unknown } }).error;
    if (error && typeof error === 'object') {
      const code = (ERROR_CODES as readonly unknown[]).includes(error.code) ? (error.code as ErrorCode) : 'internal';
      throw new ApiCallError(code, typeof error.message === 'string' ? error.message : 'request failed');
    }
  }
  throw new ApiCallError('transport', 'malformed reply');
}
