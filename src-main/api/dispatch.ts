/**
 * The one validation layer and the one error envelope, shared by every
 * transport: IPC, WebSocket and the CLI's control socket each hand a raw
 * (name, args) pair to {@link dispatchRequest} and send back its {@link Reply}.
 */
import { formatIssues } from '../core/config';
import { errorMessage } from '../core/errors';
import { isRequestName, type ParsedArgs, type RequestName, type RequestResult, requests } from './contract';

export const ERROR_CODES = ['bad_request', 'unknown_method', 'not_found', 'conflict', 'unavailable', 'internal'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type Reply<T = unknown> = { result: T } | { error: { code: ErrorCode; message: string } };

/** Thrown by handlers to pick the reply's error code; anything else becomes `internal`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Every contract entry must have a handler: a missing one is a type error where the table is built. */
export type ApiHandlers = {
  [K in RequestName]: (args: ParsedArgs<K>) => Promise<RequestResult<K>> | RequestResult<K>;
};

export interface DispatchOptions {
  /** Called with unexpected (internal) errors, for the log. */
  onInternalError?(name: string, err: unknown): void;
}

/** Validates and runs one request; never throws. */
export async function dispatchRequest(
  handlers: ApiHandlers,
  name: unknown,
  rawArgs: unknown,
  options: DispatchOptions = {},
): Promise<Reply> {
  if (!isRequestName(name)) {
    const shown = typeof name === 'string' ? `"${name.slice(0, 80)}"` : typeof name;
    return { error: { code: 'unknown_method', message: `unknown request ${shown}` } };
  }
  const parsed = requests[name].args.safeParse(rawArgs === undefined ? {} : rawArgs);
  if (!parsed.success) {
    return { error: { code: 'bad_request', message: formatIssues(`${name} arguments`, parsed.error.issues) } };
  }
  try {
    const handler = handlers[name] as (args: unknown) => unknown;
    return { result: await handler(parsed.data) };
  } catch (err) {
    if (err instanceof ApiError) return { error: { code: err.code, message: err.message } };
    options.onInternalError?.(name, err);
    return { error: { code: 'internal', message: errorMessage(err) } };
  }
}

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

/** A typed client over any transport that can carry (name, args) → Reply. */
export type ApiClient = {
  [K in RequestName]: (
    ...args: keyof ParsedArgs<K> extends never ? [args?: ParsedArgs<K>] : [args: ParsedArgs<K>]
  ) => Promise<RequestResult<K>>;
};

export function createApiClient(send: (name: RequestName, args: unknown) => Promise<unknown>): ApiClient {
  const client = {} as Record<RequestName, (args?: unknown) => Promise<unknown>>;
  for (const name of Object.keys(requests) as RequestName[]) {
    client[name] = async (args?: unknown) => unwrapReply(await send(name, args ?? {}));
  }
  return client as unknown as ApiClient;
}
