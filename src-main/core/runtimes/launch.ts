/**
 * What to spawn for an agent's `binary` (or a command's first word). On
 * Linux and macOS: the name itself. On Windows an npm-installed CLI is a
 * `.cmd` shim, and Node ≥ 20.12 refuses to spawn `.cmd`/`.bat` without
 * `shell: true` (CVE-2024-27980: cmd.exe re-parses the command line, so an
 * argument — the task text — could run commands). Nightshift never passes a
 * task through cmd.exe: the shim is read (npm-cmd-shim.ts) and what it would
 * run is spawned directly — `node <script> …` for a JavaScript CLI, the
 * `.exe` for a native one; npm's own `npx.cmd`/`npm.cmd` likewise become
 * `node <npx-cli.js>`. A `.cmd` or `.bat` that is neither is refused, saying
 * to point `binary` at the `.exe` or the JS entry.
 */
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type NpmOwnLauncher, parseNpmCmdShim, parseNpmOwnLauncher } from './npm-cmd-shim';
import { resolveOnPath } from './path-lookup';

/** The program and the arguments that go before the CLI's own. */
export interface Launch {
  program: string;
  args: string[];
}

export class LaunchError extends Error {
  override readonly name = 'LaunchError';
}

export interface LaunchContext {
  platform: NodeJS.Platform;
  /** The PATH the agent gets (lookups of the binary and of `node`). */
  pathVar: string;
  pathExt?: string | undefined;
  /** This process's binary, for `node` when none is on PATH; never Electron's (it is not a Node to run scripts with). */
  execPath: string;
  isElectron: boolean;
}

export function launchContext(pathVar: string): LaunchContext {
  return {
    platform: process.platform,
    pathVar,
    pathExt: process.env.PATHEXT,
    execPath: process.execPath,
    isElectron: process.versions.electron !== undefined,
  };
}

const run = promisify(execFile);
/** npm-prefix.js loads npm's config reader (older npm: all of npm): about a second, more on a cold disk. */
const NPM_PREFIX_TIMEOUT_MS = 15_000;
const BATCH = new Set(['.cmd', '.bat']);
const NATIVE = new Set(['.exe', '.com']);

export async function resolveLaunch(binary: string, ctx: LaunchContext): Promise<Launch> {
  const bare: Launch = { program: binary, args: [] };
  if (ctx.platform !== 'win32') return bare;
  const lookup = { platform: ctx.platform, pathExt: ctx.pathExt };
  const found = await resolveOnPath(binary, ctx.pathVar, lookup);
  // Not found: the availability check says so; spawning the bare name would fail the same way.
  if (!found) return bare;
  if (!BATCH.has(extname(found).toLowerCase())) return { program: found, args: [] };

  const refuse = (why: string) =>
    new LaunchError(
      `${found} ${why}. Node cannot start a .cmd or .bat without cmd.exe, and Nightshift never passes task text through cmd.exe (CVE-2024-27980): point "binary" (or the command) at the CLI's .exe or at its JavaScript entry (run with node)`,
    );
  const text = await readFile(found, 'utf8').catch(() => null);
  const shimDir = dirname(found);
  const npmOwn = text === null ? null : parseNpmOwnLauncher(text);
  if (npmOwn) return launchNpmOwn(shimDir, npmOwn, ctx, refuse);
  const shim = text === null ? null : parseNpmCmdShim(text);
  if (!shim) throw refuse('is a batch file, not an npm shim');
  // The shim's paths are relative to its folder, backslash-separated.
  const target = resolve(shimDir, ...shim.target.split('\\'));
  if (!(await isFile(target))) throw refuse(`is an npm shim for ${target}, which does not exist`);

  if (shim.kind === 'direct') {
    if (NATIVE.has(extname(target).toLowerCase())) return { program: target, args: [] };
    throw refuse(`is an npm shim for ${target}, which is neither a program nor a script with a #! line`);
  }
  if (shim.prog.toLowerCase() !== 'node') throw refuse(`is an npm shim that runs ${shim.prog}, not node`);
  if (shim.variables.length > 0) {
    throw refuse(`is an npm shim that sets ${shim.variables.map((v) => v.split('=')[0]).join(', ')} for node`);
  }
  return { program: await nodeFor(shimDir, ctx, refuse), args: [...shim.progArgs, target] };
}

/**
 * npm's own `npx.cmd` / `npm.cmd` (e.g. an ACP agent run as `npx <package>`):
 * the node it would use, and the CLI under npm's global prefix when there is
 * one there, else the one beside the launcher, as the launcher decides.
 */
async function launchNpmOwn(
  dir: string,
  launcher: NpmOwnLauncher,
  ctx: LaunchContext,
  refuse: (why: string) => LaunchError,
): Promise<Launch> {
  const node = await nodeFor(dir, ctx, refuse);
  const [script, ...args] = launcher.prefixArgs;
  const prefix = await npmGlobalPrefix(node, [resolve(dir, ...script!.split('\\')), ...args]);
  const beside = resolve(dir, ...launcher.target.split('\\'));
  const candidates = prefix ? [resolve(prefix, ...launcher.prefixTarget.split('\\')), beside] : [beside];
  for (const cli of candidates) if (await isFile(cli)) return { program: node, args: [cli] };
  throw refuse(`is npm's launcher for ${beside}, which does not exist`);
}

/** What npm says its global prefix is (it reads the npmrc files); null if it fails: the launcher then uses its own CLI. */
async function npmGlobalPrefix(node: string, args: string[]): Promise<string | null> {
  try {
    const { stdout } = await run(node, args, { encoding: 'utf8', timeout: NPM_PREFIX_TIMEOUT_MS, windowsHide: true });
    return (
      stdout
        .split(/\r?\n/)
        .find((line) => line.trim() !== '')
        ?.trim() ?? null
    );
  } catch {
    return null;
  }
}

/** The node the shim itself would run: its own `node.exe` if it has one, else `node` on PATH. */
async function nodeFor(shimDir: string, ctx: LaunchContext, refuse: (why: string) => LaunchError): Promise<string> {
  const beside = resolve(shimDir, 'node.exe');
  if (await isFile(beside)) return beside;
  const onPath = await resolveOnPath('node', ctx.pathVar, { platform: ctx.platform, pathExt: ctx.pathExt });
  if (onPath && NATIVE.has(extname(onPath).toLowerCase())) return onPath;
  if (!ctx.isElectron) return ctx.execPath;
  throw refuse('is an npm shim for a node script, and no node.exe is on PATH');
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}
