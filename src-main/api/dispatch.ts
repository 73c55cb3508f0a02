/**
 * The one validation layer and the one error envelope, shared by every
 * transport: IPC, WebSocket and the CLI's control socket each hand a raw
 * (name, args) pair to {@link dispatchRequest} and send back its {@link Reply}
 * (the envelope and the client side are in src-shared/envelope.ts).
 */
import { isRequestName, type ParsedArgs, type RequestName, type RequestResult, requests } from '@shared/contract';
import type { ErrorCode, Reply } from '@shared/envelope';
import { formatIssues } from '@shared/zod-issues';
import { errorMessage } from '../core/errors';

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
