/**
 * The one way the workspace layer runs git: asynchronously, with an argument
 * array and no shell, so that a task id or a URL can never be interpreted as
 * shell syntax and a slow clone never blocks the daemon's event loop.
 */
import { execFile } from 'node:child_process';

/** Local operations finish in well under a second; a hung one means a stuck lock or hook. */
const LOCAL_TIMEOUT_MS = 60_000;
/** Clone and fetch go over the network and may legitimately take minutes. */
export const NETWORK_TIMEOUT_MS = 10 * 60_000;

export class GitError extends Error {
  override readonly name = 'GitError';
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | string | null,
    readonly stderr: string,
  ) {
    const detail = stderr.trim().split('\n').slice(-3).join(' | ') || 'no output';
    super(`git ${args.join(' ')} failed (exit ${exitCode ?? 'signal'}): ${detail}`);
  }
}

export interface GitResult {
  stdout: string;
  stderr: string;
}

/**
 * Variables that would redirect git away from the repository we name with `-C`
 * (set, for example, when the daemon itself is started from a git hook).
 */
const REDIRECTING_VARS = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_OBJECT_DIRECTORY'];

function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // A daemon has no terminal: a credential prompt must fail, not hang forever.
    GIT_TERMINAL_PROMPT: '0',
    // Messages are matched in a few places ("not fully merged"): keep them in English.
    LC_ALL: 'C',
  };
  for (const name of REDIRECTING_VARS) delete env[name];
  return env;
}

export function runGit(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...args],
      {
        env: gitEnv(),
        timeout: options.timeoutMs ?? LOCAL_TIMEOUT_MS,
        maxBuffer: 16 * 1024 * 1024,
        encoding: 'utf8',
        windowsHide: true,
      },
      (err, stdout, stderr) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException & { code?: number | string }).code ?? null;
          reject(new GitError(args, code, stderr || err.message));
          return;
        }
        resolve({ stdout, stderr });
      },
    );
  });
}

/** `git -C dir args...`, trimmed stdout. */
export async function gitIn(dir: string, args: readonly string[], options: { timeoutMs?: number } = {}): Promise<string> {
  const { stdout } = await runGit(['-C', dir, ...args], options);
  return stdout.trim();
}

/** For questions git answers with its exit status (`show-ref --verify --quiet`, ...). */
export async function gitSucceeds(dir: string, args: readonly string[]): Promise<boolean> {
  try {
    await runGit(['-C', dir, ...args]);
    return true;
  } catch (err) {
    // Only a real "no" from git; a missing binary or a timeout is a failure to report.
    if (err instanceof GitError && typeof err.exitCode === 'number') return false;
    throw err;
  }
}
