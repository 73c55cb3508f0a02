/** A typed client over any transport that can carry (name, args) → Reply: the views' side of the contract. */
import { BRIDGE_REQUEST_NAMES } from './bridge-types';
import type { ParsedArgs, RequestName, RequestResult } from './contract';
import { unwrapReply } from './envelope';

export type ApiClient = {
  [K in RequestName]: (
    ...args: keyof ParsedArgs<K> extends never ? [args?: ParsedArgs<K>] : [args: ParsedArgs<K>]
  ) => Promise<RequestResult<K>>;
};

export function createApiClient(send: (name: RequestName, args: unknown) => Promise<unknown>): ApiClient {
  const client = {} as Record<RequestName, (args?: unknown) => Promise<unknown>>;
  // The names without the contract's schemas (no zod at run time); bridge-types.ts keeps the list complete.
  for (const name of BRIDGE_REQUEST_NAMES) {
    client[name] = async (args?: unknown) => unwrapReply(await send(name, args ?? {}));
  }
  return client as unknown as ApiClient;
}
