/**
 * Is an agent CLI installed? Resolved on PATH asynchronously (the loop must
 * never block on the file system), then asked for its `--version` with a
 * timeout. "Not logged in" is mostly not detected here (the CLIs find out
 * when they call their API); a runtime that can tell offline adds its own
 * check (claude: `auth status`, see cli-runtime.ts).
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { type Launch, type LaunchContext, LaunchError, launchContext, resolveLaunch } from './launch';
import { resolveOnPath } from './path-lookup';
import type { Availability } from './port';

/** gemini 0.61 needed more than 10 s for `--version` on this loaded 2-core machine. */
export const VERSION_TIMEOUT_MS = 30_000;

export { candidateNames, type LookupPlatform, resolveOnPath } from './path-lookup';

export interface CheckBinaryOptions {
  /** Arguments that print the version; null skips the version call (plain commands). */
  versionArgs: readonly string[] | null;
  /** Shown after "not found on PATH — ". */
  installHint?: string;
  env?: Record<string, string>;
  pathVar?: string;
  timeoutMs?: number;
  /** Where and how the binary is resolved to what is spawned (tests pass another platform). */
  launchContext?: LaunchContext;
}

export async function checkBinary(binary: string, options: CheckBinaryOptions): Promise<Availability> {
  return (await checkLaunch(binary, options)).availability;
}

/**
 * Availability, and what to spawn for `binary` (launch.ts: on Windows an npm
 * `.cmd` shim is resolved to `node <script>` or its `.exe`). The version call
 * goes through the same launch as the runs will.
 */
export async function checkLaunch(
  binary: string,
  options: CheckBinaryOptions,
): Promise<{ availability: Availability; launch: Launch }> {
  const pathVar = options.env?.PATH ?? options.pathVar ?? process.env.PATH ?? '';
  const bare: Launch = { program: binary, args: [] };
  const context = options.launchContext ?? launchContext(pathVar);
  const found = await resolveOnPath(binary, pathVar, { platform: context.platform, pathExt: context.pathExt });
  if (!found) {
    const hint = options.installHint ? ` — ${options.installHint}` : '';
    // A path is not looked up on PATH: say what is wrong with that file.
    if (binary.includes('/'))
      return { availability: { available: false, reason: `${binary}: ${await whyNotExecutable(binary)}` }, launch: bare };
    return { availability: { available: false, reason: `${binary} not found on PATH${hint}` }, launch: bare };
  }
  let launch: Launch;
  try {
    launch = await resolveLaunch(binary, context);
  } catch (err) {
    if (err instanceof LaunchError) return { availability: { available: false, reason: err.message }, launch: bare };
    throw err;
  }
  if (!options.versionArgs) return { availability: { available: true }, launch };
  try {
    // The runtime's declared HOME (a scratch one in tests): a CLI may write under it even for --version.
    const home = options.env?.HOME ?? process.env.HOME ?? '';
    const program = launch.program === binary ? found : launch.program;
    const args = [...launch.args, ...options.versionArgs];
    const version = await readVersion(program, args, options.timeoutMs ?? VERSION_TIMEOUT_MS, pathVar, home);
    return { availability: { available: true, version }, launch };
  } catch (err) {
    return { availability: { available: false, reason: `${binary} --version failed: ${(err as Error).message}` }, launch };
  }
}

async function whyNotExecutable(path: string): Promise<string> {
  try {
    const info = await stat(path);
    return info.isFile() ? 'not executable' : 'not a file';
  } catch {
    return 'no such file';
  }
}

function readVersion(path: string, args: readonly string[], timeoutMs: number, pathVar: string, home: string): Promise<string> {
  return new Promise((resolveVersion, reject) => {
    execFile(
      path,
      [...args],
      // SIGKILL: a CLI hung at start-up may ignore SIGTERM.
      { timeout: timeoutMs, killSignal: 'SIGKILL', env: { PATH: pathVar, HOME: home }, maxBuffer: 64 * 1024, windowsHide: true },
      (err, stdout, stderr) => {
        if (err && (err as { killed?: boolean }).killed) {
          return reject(new Error(`timed out after ${Math.round(timeoutMs / 1000)} s`));
        }
        if (err) return reject(new Error(firstLine(stderr) || err.message));
        resolveVersion(firstLine(stdout) || firstLine(stderr));
      },
    );
  });
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? '';
}
