/**
 * Splits `--agent "node agent.js --flag 'two words'"` into an argument array
 * the way a POSIX shell would tokenise it, WITHOUT being a shell: no variable
 * expansion, globbing, pipes or command substitution, so the string can only
 * ever name one program and its arguments.
 *
 * Rules: unquoted whitespace separates words; '...' is literal; "..." is
 * literal except that a backslash escapes " \ $ and `; outside quotes a
 * backslash escapes the next character. Adjacent pieces join into one word
 * (a"b"'c' → abc); "" yields an empty argument.
 */
import { ValidationError } from '../../core/errors';

export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  // A word exists once any piece of it (even an empty quoted one) was seen.
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ValidationError(`unterminated single quote at position ${i} in ${JSON.stringify(line)}`);
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      i = readDoubleQuoted(line, i, (piece) => {
        word += piece;
      });
      inWord = true;
    } else if (ch === '\\') {
      if (i + 1 >= line.length) throw new ValidationError(`trailing backslash in ${JSON.stringify(line)}`);
      word += line[i + 1];
      inWord = true;
      i += 2;
    } else {
      word += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Reads "..." starting at `start` (the opening quote); returns the index after the closing quote. */
function readDoubleQuoted(line: string, start: number, append: (piece: string) => void): number {
  let i = start + 1;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === '"') return i + 1;
    if (ch === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) {
      append(line[i + 1]!);
      i += 2;
    } else {
      append(ch);
      i++;
    }
  }
  throw new ValidationError(`unterminated double quote at position ${start} in ${JSON.stringify(line)}`);
}
