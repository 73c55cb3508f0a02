/**
 * The control socket's framing: newline-delimited JSON lines, bounded, and
 * the first line a client sends. Without zod, so that the CLI's control
 * client loads nothing heavy (bench/cli.ts); protocol.ts re-exports it.
 */

/**
 * Longest accepted line. A task prompt may be 1,000,000 characters (contract)
 * and UTF-8 takes up to 4 bytes each, plus JSON escaping: 8 MiB holds it, and
 * still bounds what a misbehaving peer can make us buffer.
 */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

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
