/**
 * The control socket's wire format: newline-delimited JSON, one request
 * `{id, name, args}` per line, one reply `{id, result}` or `{id, error}` per
 * line. `name`/`args` are the contract's (api/contract.ts), so the socket is
 * just another transport in front of dispatchRequest.
 */
import { ERROR_CODES } from '@shared/envelope';
import { z } from 'zod';

// Where the socket is lives apart (no zod), for the CLI's offline path; re-exported for the rest.
export { controlSocketPath, SOCKET_FILE_NAME } from './socket-path';

/**
 * Longest accepted line. A task prompt may be 1,000,000 characters (contract)
 * and UTF-8 takes up to 4 bytes each, plus JSON escaping: 8 MiB holds it, and
 * still bounds what a misbehaving peer can make us buffer.
 */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

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

/** The first line every client sends. */
export function authLine(secret: string): string {
  return `${JSON.stringify({ auth: secret })}\n`;
}

/**
 * Reassembles newline-delimited lines from arbitrary chunks. A line longer
 * than `maxBytes` is reported once via `onOverflow` and skipped up to its
 * newline, so one bad line never takes the connection's memory with it.
 */
export class LineReader {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private discarding = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onOverflow: () => void,
    private readonly maxBytes = MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl < 0 ? chunk.length : nl;
      this.append(chunk.subarray(start, end));
      if (nl < 0) return;
      this.finishLine();
      start = nl + 1;
    }
  }

  private append(piece: Buffer): void {
    if (this.discarding || piece.length === 0) return;
    if (this.bufferedBytes + piece.length > this.maxBytes) {
      this.buffered = [];
      this.bufferedBytes = 0;
      this.discarding = true;
      this.onOverflow();
      return;
    }
    this.buffered.push(piece);
    this.bufferedBytes += piece.length;
  }

  private finishLine(): void {
    const wasDiscarding = this.discarding;
    const line = Buffer.concat(this.buffered).toString('utf8');
    this.buffered = [];
    this.bufferedBytes = 0;
    this.discarding = false;
    if (!wasDiscarding && line.trim() !== '') this.onLine(line);
  }
}
