/**
 * The last lines an agent printed, bounded by count and characters: what a
 * summary or an error message quotes, and what the UI shows of a session.
 */
export const SUMMARY_MAX_LINES = 20;
export const SUMMARY_MAX_CHARS = 4000;

export class OutputTail {
  private readonly lines: string[] = [];

  constructor(private readonly maxLines = SUMMARY_MAX_LINES) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.maxLines) this.lines.shift();
  }

  get isEmpty(): boolean {
    return this.lines.every((l) => l.trim() === '');
  }

  /** The retained lines joined, trimmed at the front to `maxChars`. */
  text(maxChars = SUMMARY_MAX_CHARS): string {
    return clipStart(this.lines.join('\n').trim(), maxChars);
  }
}

/** Keeps the end of `text` (the conclusion is at the end of an agent's output). */
export function clipStart(text: string, maxChars = SUMMARY_MAX_CHARS): string {
  return text.length <= maxChars ? text : `…${text.slice(text.length - maxChars + 1)}`;
}
