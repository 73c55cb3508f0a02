import { describe, expect, it } from 'vitest';
import { createLineSplitter } from './line-splitter';

function split(chunks: (string | Buffer)[], max?: number): string[] {
  const lines: string[] = [];
  const s = createLineSplitter((l) => lines.push(l), max);
  for (const c of chunks) s.push(typeof c === 'string' ? Buffer.from(c) : c);
  s.end();
  return lines;
}

describe('createLineSplitter', () => {
  it('joins partial lines across chunks and emits an unterminated last line at end', () => {
    expect(split(['hel', 'lo\nwor', 'ld\r\n', 'tail'])).toEqual(['hello', 'world', 'tail']);
  });

  it('keeps a UTF-8 character split between chunks intact', () => {
    const bytes = Buffer.from('日本\n');
    expect(split([bytes.subarray(0, 2), bytes.subarray(2)])).toEqual(['日本']);
  });

  it('truncates a huge line and says how much was dropped, then carries on', () => {
    const lines = split(['x'.repeat(50), 'y'.repeat(50), '\nnext\n'], 10);
    expect(lines).toEqual(['xxxxxxxxxx … [90 chars truncated]', 'next']);
  });

  it('emits empty lines as empty strings', () => {
    expect(split(['a\n\nb\n'])).toEqual(['a', '', 'b']);
  });
});
