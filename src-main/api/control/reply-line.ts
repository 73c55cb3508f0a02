/**
 * The CLI's check of one line from the control socket, without zod: the
 * server's one refusal line, or a reply envelope `{id, result}` /
 * `{id, error: {code, message}}` — exactly what protocol.ts' zod schemas
 * (authRefusalSchema, replyEnvelopeSchema) accept, held to them by
 * reply-line.test.ts. Plain code because loading zod costs the CLI about a
 * bare node start (bench/cli.ts).
 */
import { ERROR_CODES, type Reply } from '@shared/envelope';

export type ReplyLine =
  | { kind: 'refusal'; message: string }
  | { kind: 'reply'; id: string | number | null; reply: Reply }
  | { kind: 'malformed' };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const hasOnly = (o: Record<string, unknown>, keys: readonly string[]) => Object.keys(o).every((k) => keys.includes(k));

/** A request id as the envelope allows it: a string of 1–100 characters (code points) or a safe integer. */
function isRequestId(v: unknown): v is string | number {
  if (typeof v === 'number') return Number.isSafeInteger(v);
  if (typeof v !== 'string') return false;
  const length = [...v].length;
  return length >= 1 && length <= 100;
}

export function readReplyLine(raw: unknown): ReplyLine {
  if (!isObject(raw)) return { kind: 'malformed' };
  const { id, error } = raw;
  if (
    id === null &&
    hasOnly(raw, ['id', 'error']) &&
    isObject(error) &&
    hasOnly(error, ['code', 'message']) &&
    error.code === 'unauthorized' &&
    typeof error.message === 'string'
  ) {
    return { kind: 'refusal', message: error.message };
  }
  if (!(id === null || isRequestId(id)) || !('id' in raw)) return { kind: 'malformed' };
  if ('result' in raw && hasOnly(raw, ['id', 'result'])) return { kind: 'reply', id, reply: { result: raw.result } };
  if (
    hasOnly(raw, ['id', 'error']) &&
    isObject(error) &&
    hasOnly(error, ['code', 'message']) &&
    (ERROR_CODES as readonly unknown[]).includes(error.code) &&
    typeof error.message === 'string'
  ) {
    return { kind: 'reply', id, reply: { error: { code: error.code as (typeof ERROR_CODES)[number], message: error.message } } };
  }
  return { kind: 'malformed' };
}
