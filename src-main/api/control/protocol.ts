/**
 * The control socket's wire format: newline-delimited JSON, one request
 * `{id, name, args}` per line, one reply `{id, result}` or `{id, error}` per
 * line. `name`/`args` are the contract's (api/contract.ts), so the socket is
 * just another transport in front of dispatchRequest.
 */
import { ERROR_CODES } from '@shared/envelope';
import { z } from 'zod';

// Framing and the client's reply check live apart too (no zod): the CLI's client loads only those.
export { authLine, LineReader, MAX_LINE_BYTES } from './framing';
// Where the socket is lives apart (no zod), for the CLI's offline path; re-exported for the rest.
export { controlSocketPath, SOCKET_FILE_NAME } from './socket-path';

const requestId = z.union([z.string().min(1).max(100), z.number().int().safe()]);

export const requestEnvelopeSchema = z.strictObject({
  id: requestId,
  name: z.string().min(1).max(100),
  args: z.unknown().optional(),
});
export type RequestEnvelope = z.output<typeof requestEnvelopeSchema>;

export const replyEnvelopeSchema = z.union([
  z.strictObject({ id: requestId.nullable(), result: z.unknown() }),
  z.strictObject({
    id: requestId.nullable(),
    error: z.strictObject({ code: z.enum(ERROR_CODES), message: z.string() }),
  }),
]);
export type ReplyEnvelope = z.output<typeof replyEnvelopeSchema>;

/** The one line a client without the right secret gets before the server hangs up. */
export const authRefusalSchema = z.strictObject({
  id: z.null(),
  error: z.strictObject({ code: z.literal('unauthorized'), message: z.string() }),
});
