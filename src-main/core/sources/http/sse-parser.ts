/**
 * An incremental parser for `text/event-stream` (WHATWG HTML §9.2.6): fed
 * decoded text in arbitrary chunks, it returns the complete events so far.
 * Comment lines (`:` keepalives) produce nothing; `retry:` is reported so the
 * reconnect delay can honour it.
 */

export interface SseEvent {
  /** `message` when the server named no event type. */
  event: string;
  data: string;
  id: string | undefined;
}

export interface SseChunkResult {
  events: SseEvent[];
  /** The last valid `retry:` value in this chunk, ms. */
  retryMs: number | undefined;
}

export class SseParser {
  private buffer = '';
  private eventType = '';
  private dataLines: string[] = [];
  private lastId: string | undefined;

  feed(text: string): SseChunkResult {
    this.buffer += text;
    const result: SseChunkResult = { events: [], retryMs: undefined };
    // Lines end in CRLF, LF or CR; a trailing CR may be the first half of a CRLF, so keep it.
    for (;;) {
      const match = /\r\n|\n|\r(?=[^\n])/.exec(this.buffer);
      if (!match) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      this.line(line, result);
    }
    return result;
  }

  private line(line: string, result: SseChunkResult): void {
    if (line === '') {
      this.dispatch(result);
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.dataLines.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) result.retryMs = Number(value);
        break;
    }
  }

  private dispatch(result: SseChunkResult): void {
    if (this.dataLines.length > 0) {
      result.events.push({ event: this.eventType || 'message', data: this.dataLines.join('\n'), id: this.lastId });
    }
    this.eventType = '';
    this.dataLines = [];
  }
}
