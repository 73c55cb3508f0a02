/**
 * Relative paths in an agent command resolve once, when the command is
 * given, against the directory it was given in: the shell's cwd for
 * `--agent`, the config file's folder for a config's `command`. An agent runs
 * in its task's workspace (a scratch dir, the task's cwd or a worktree), so a
 * path left relative would be looked up there and not be found.
 *
 * Which words are paths: the program when it contains a slash (`./agent.sh`,
 * `bin/agent`; a bare `node` is a PATH lookup and stays as is), and any
 * argument that names an existing file or directory relative to the base
 * (`agent.js`). Options (`-x`, `--flag`) and words with `{prompt}` stay as is.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve, sep } from 'node:path';

export async function resolveCommandPaths(argv: readonly string[], baseDir: string): Promise<string[]> {
  return Promise.all(argv.map((word, i) => resolveWord(word, i === 0, baseDir)));
}

async function resolveWord(word: string, isProgram: boolean, baseDir: string): Promise<string> {
  if (word === '' || isAbsolute(word) || word.startsWith('-') || word.includes('{prompt}') || word.startsWith('~')) return word;
  const hasSlash = word.includes('/') || word.includes(sep);
  if (isProgram) return hasSlash ? resolve(baseDir, word) : word;
  const candidate = resolve(baseDir, word);
  return (await exists(candidate)) ? candidate : word;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
