/**
 * Turns a byte stream into lines. Chunks from a pipe split lines (and UTF-8
 * characters) anywhere, so a partial line is held until its newline arrives; a
 * line longer than `maxLineChars` is cut there and the rest of it dropped, so
 * that an agent printing a giant blob without newlines cannot grow our memory.
 */
import { StringDecoder } from 'node:string_decoder';

export const DEFAULT_MAX_LINE_CHARS = 1024 * 1024;

export interface LineSplitter {
  push(chunk: Buffer): void;
  /** Emits the unterminated last line, if any. */
  end(): void;
}

export function createLineSplitter(onLine: (line: string) => void, maxLineChars = DEFAULT_MAX_LINE_CHARS): LineSplitter {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  let dropped = 0;

  const emit = (line: string) => {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    onLine(dropped > 0 ? `${text} … [${dropped} chars truncated]` : text);
    dropped = 0;
  };

  const take = (text: string) => {
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      append(text.slice(start, nl));
      emit(partial);
      partial = '';
      start = nl + 1;
    }
    append(text.slice(start));
  };

  const append = (piece: string) => {
    const room = maxLineChars - partial.length;
    if (piece.length <= room) partial += piece;
    else {
      partial += piece.slice(0, Math.max(0, room));
      dropped += piece.length - Math.max(0, room);
    }
  };

  return {
    push(chunk) {
      take(decoder.write(chunk));
    },
    end() {
      take(decoder.end());
      if (partial.length > 0 || dropped > 0) emit(partial);
      partial = '';
    },
  };
}
