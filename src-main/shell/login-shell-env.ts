/**
 * A GUI app started from Finder, the Dock or at login gets launchd's PATH
 * (`/usr/bin:/bin:/usr/sbin:/sbin`), so `claude` in Homebrew or `~/.local/bin`
 * is "not found"; some Linux desktop sessions miss `~/.local/bin` the same
 * way. At start we ask the user's login shell for its PATH, once, bounded in
 * time, and put it in front of ours — before the core starts, so availability
 * checks and agents (whose PATH comes from process.env) see the same one.
 *
 * The command and environment are shell-env's (sindresorhus/shell-env 4.0.3):
 * `$SHELL -ilc` printing `env` between delimiters, with Oh My Zsh's updater and
 * tmux autostart disabled. shell-env itself is not used because it has no
 * time limit and no way to kill a login shell that hangs (an rc file waiting
 * for input, a slow network mount): here `execFile` kills it after
 * `timeoutMs` and the app starts with the PATH it has.
 */
import { execFile } from 'node:child_process';
import { delimiter } from 'node:path';

export const LOGIN_SHELL_TIMEOUT_MS = 5_000;
const MARK = '_NIGHTSHIFT_SHELL_ENV_';
const SCRIPT = `printf '%s' '${MARK}'; command env; printf '%s' '${MARK}'; exit`;

export interface LoginShellOptions {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Asked when $SHELL fails at once; default the platform's login shell. */
  fallbackShell?: string;
}

/** The shell to ask: $SHELL, else the platform's default login shell (default-shell's rule). */
export function loginShellOf(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string {
  if (env.SHELL) return env.SHELL;
  return platform === 'darwin' ? '/bin/zsh' : '/bin/sh';
}

/**
 * Parses the `env` output between the first mark and the last; null when the
 * marks are missing. The first and last, not the first two: dash exports `_`,
 * the last argument of the previous command, so its `env` itself prints
 * `_=<mark>` (a Linux login shell of /bin/sh gave no PATH through this).
 */
export function parseShellEnv(stdout: string): Record<string, string> | null {
  const start = stdout.indexOf(MARK);
  const end = stdout.lastIndexOf(MARK);
  if (start < 0 || end === start) return null;
  const env: Record<string, string> = {};
  const body = stdout.slice(start + MARK.length, end);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes some rc files print
  for (const line of body.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

/**
 * The login shell's PATH, or null (Windows, a failing or hanging shell, no
 * PATH in its output). A $SHELL that fails at once (not installed, not a
 * shell: a CI account's nologin) is followed by the platform's default shell;
 * one that hangs is not, so the wait stays bounded by one timeout.
 */
export async function loginShellPath(options: LoginShellOptions): Promise<string | null> {
  if (options.platform === 'win32') return null;
  const shell = loginShellOf(options.platform, options.env);
  const first = await askShell(shell, options);
  if (first.path !== null || first.timedOut) return first.path;
  const fallback = options.fallbackShell ?? loginShellOf(options.platform, {});
  return fallback === shell ? null : (await askShell(fallback, options)).path;
}

function askShell(shell: string, options: LoginShellOptions): Promise<{ path: string | null; timedOut: boolean }> {
  return new Promise((resolve) => {
    execFile(
      shell,
      ['-ilc', SCRIPT],
      {
        timeout: options.timeoutMs ?? LOGIN_SHELL_TIMEOUT_MS,
        killSignal: 'SIGKILL',
        maxBuffer: 1024 * 1024,
        env: { ...options.env, DISABLE_AUTO_UPDATE: 'true', ZSH_TMUX_AUTOSTARTED: 'true', ZSH_TMUX_AUTOSTART: 'false' },
      },
      (err, stdout) => {
        // An rc file may exit non-zero after printing everything we need: trust the marks, not the code.
        const path = parseShellEnv(String(stdout ?? ''))?.PATH;
        const timedOut = err?.killed === true;
        resolve({ path: path && !timedOut ? path : null, timedOut });
      },
    );
  });
}

/** The shell's PATH entries first, then ours that it lacks (nothing launchd gave is lost). */
export function mergePath(shellPath: string, currentPath: string | undefined, sep = delimiter): string {
  const entries = [...shellPath.split(sep), ...(currentPath ?? '').split(sep)].filter(Boolean);
  return [...new Set(entries)].join(sep);
}

/** Applies the login shell's PATH to `env` (process.env); says what happened, for the log. */
export async function adoptLoginShellPath(options: LoginShellOptions): Promise<string> {
  if (options.platform === 'win32') return 'login shell PATH: not needed on Windows';
  const started = Date.now();
  const shellPath = await loginShellPath(options);
  if (shellPath === null) {
    return `login shell PATH: ${loginShellOf(options.platform, options.env)} gave none within ${options.timeoutMs ?? LOGIN_SHELL_TIMEOUT_MS} ms; keeping ${options.env.PATH ?? '(empty)'}`;
  }
  options.env.PATH = mergePath(shellPath, options.env.PATH);
  return `login shell PATH adopted in ${Date.now() - started} ms: ${options.env.PATH}`;
}
