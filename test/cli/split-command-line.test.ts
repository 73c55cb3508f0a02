import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitCommandLine } from '../../src-main/headless/commands/split-command-line';

describe('splitCommandLine', () => {
  it.each([
    ['node agent.js', ['node', 'agent.js']],
    ['  node   agent.js  ', ['node', 'agent.js']],
    ['node "my agent.js" --x', ['node', 'my agent.js', '--x']],
    ["claude -p '{prompt}'", ['claude', '-p', '{prompt}']],
    ["echo 'it''s'", ['echo', 'its']],
    ['a"b"\'c\'d', ['abcd']],
    ['say ""', ['say', '']],
    ["say ''", ['say', '']],
    ['"with \\"quotes\\" and \\\\ slash"', ['with "quotes" and \\ slash']],
    ['"keeps \\n as two chars"', ['keeps \\n as two chars']],
    ['one\\ word', ['one word']],
    ['tab\tand\nnewline', ['tab', 'and', 'newline']],
    ['\'$HOME\' "$HOME" `id` ; | & > *', ['$HOME', '$HOME', '`id`', ';', '|', '&', '>', '*']],
    ['', []],
  ])('%j → %j', (line, expected) => {
    expect(splitCommandLine(line)).toEqual(expected);
  });

  it('never expands anything a shell would: metacharacters stay literal words', () => {
    expect(splitCommandLine('rm -rf $(echo /) && echo pwned')).toEqual(['rm', '-rf', '$(echo', '/)', '&&', 'echo', 'pwned']);
  });

  it.each([
    ['node "unterminated', /unterminated double quote at position 5/],
    ["node 'unterminated", /unterminated single quote at position 5/],
    ['node trailing\\', /trailing backslash/],
  ])('rejects %j with a message saying what is wrong', (line, message) => {
    expect(() => splitCommandLine(line)).toThrow(message);
  });

  it('round-trips any argv quoted POSIX-style with single quotes', () => {
    const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 6 }), (argv) => {
        expect(splitCommandLine(argv.map(quote).join(' '))).toEqual(argv);
      }),
    );
  });

  it('splits plain words exactly like String.split on whitespace', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9._/=:-]{1,12}$/);
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), (words) => {
        expect(splitCommandLine(words.join('   '))).toEqual(words);
      }),
    );
  });
});
