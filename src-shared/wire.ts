/**
 * The WebSocket message envelopes of the headless dashboard: the same
 * (name, args) → Reply contract as IPC, wrapped so that replies can be matched
 * to requests and events told apart from replies. Both ends validate with
 * these schemas; nothing crosses the socket unchecked.
 */
import { z } from 'zod';
import { ERROR_CODES } from './envelope';

/** Correlates a reply with its request; chosen by the client. */
export const messageIdSchema = z.union([z.string().min(1).max(100), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)]);
export type MessageId = z.infer<typeof messageIdSchema>;

/** Client → server. `name` and `args` are checked again by dispatchRequest against the contract. */
export const requestMessageSchema = z.strictObject({
  type: z.literal('request'),
  id: messageIdSchema,
  name: z.string().min(1).max(100),
  args: z.unknown().optional(),
});
export type RequestMessage = z.infer<typeof requestMessageSchema>;

const replyErrorSchema = z.strictObject({ code: z.enum(ERROR_CODES), message: z.string() });

/** Server → client. `id` is null only when the request was too broken to carry one. */
export const replyMessageSchema = z.union([
  z.strictObject({ type: z.literal('reply'), id: messageIdSchema.nullable(), result: z.unknown() }),
  z.strictObject({ type: z.literal('reply'), id: messageIdSchema.nullable(), error: replyErrorSchema }),
]);
export type ReplyMessage = z.infer<typeof replyMessageSchema>;

export const eventMessageSchema = z.strictObject({
  type: z.literal('event'),
  name: z.string().min(1).max(100),
  payload: z.unknown(),
});
export type EventMessage = z.infer<typeof eventMessageSchema>;

export const serverMessageSchema = z.union([replyMessageSchema, eventMessageSchema]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/**
 * Largest message a client may send. Every valid request must fit: a
 * 1 000 000-character prompt is at most ~6 MB as JSON (control characters
 * escape to six bytes), the same bound as the CLI's control socket.
 */
export const MAX_CLIENT_MESSAGE_BYTES = 8 * 1024 * 1024;

/** The path of the WebSocket endpoint, relative to the dashboard's origin. */
export const WS_PATH = '/ws';

/**
 * The close code of a dashboard socket whose token was replaced
 * (`nightshift dashboard --new-token`): the page stops reconnecting with the
 * old token and says where the new URL is.
 */
export const TOKEN_REPLACED_CLOSE_CODE = 4001;
