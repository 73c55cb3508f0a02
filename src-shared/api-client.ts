/** A typed client over any transport that can carry (name, args) → Reply: the views' side of the contract. */
import { type ParsedArgs, type RequestName, type RequestResult, requests } from './contract';
import { unwrapReply } from './envelope';

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
