/**
 * Reads the `.cmd` shim npm writes for a package's bin on Windows
 * (`node_modules/.bin/claude.cmd`, `%APPDATA%\npm\codex.cmd`), to learn what
 * it runs. The template is npm's cmd-shim (v4 and later, bundled with npm ≥ 7;
 * read from node_modules/cmd-shim/lib/index.js, `writeShim_`):
 *
 * - a bin with a shebang (`#!/usr/bin/env node --flag`):
 *   ```
 *   @ECHO off … CALL :find_dp0
 *   [@SET NAME=value]            ← `env NAME=value node` in the shebang
 *
 *   IF EXIST "%dp0%\node.exe" (
 *     SET "_prog=%dp0%\node.exe"
 *   ) ELSE (
 *     SET "_prog=node"
 *     …
 *   )
 *
 *   endLocal & goto #_undefined_# 2>NUL || title %COMSPEC% & "%_prog%" --flag "%dp0%\..\pkg\cli.js" %*
 *   ```
 * - a bin without one (a native program): `"%dp0%\..\pkg\bin\claude.exe"   %*`
 *
 * Paths are relative to the shim's folder, with backslashes.
 */

export type NpmCmdShim =
  | {
      kind: 'interpreter';
      /** The program the shebang names (`node`), looked for beside the shim first (`<prog>.exe`), then on PATH. */
      prog: string;
      /** The shebang's arguments, before the script (`--no-warnings`). */
      progArgs: string[];
      /** The script, relative to the shim's folder, backslash-separated (`..\pkg\cli.js`). */
      target: string;
      /** `@SET NAME=value` lines (from `#!/usr/bin/env NAME=value node`). */
      variables: string[];
    }
  | { kind: 'direct'; target: string };

const HEAD =
  /^@ECHO off\r?\nGOTO start\r?\n:find_dp0\r?\nSET dp0=%~dp0\r?\nEXIT \/b\r?\n:start\r?\nSETLOCAL\r?\nCALL :find_dp0\r?\n/i;
const PROG = /^IF EXIST "%dp0%\\([^"]+)\.exe" \($/m;
const RUN_LINE = /^endLocal & goto #_undefined_# 2>NUL \|\| title %COMSPEC% & "%_prog%" (.*?) ?"%dp0%\\([^"]+)" %\*$/m;
const DIRECT_LINE = /^"%dp0%\\([^"]+)" +%\*$/m;
const SET_LINE = /^@SET ([^=\r\n]+=[^\r\n]*)$/gm;

/** The shim's parts, or null when the text is not one of npm's shims. */
export function parseNpmCmdShim(text: string): NpmCmdShim | null {
  const head = HEAD.exec(text);
  if (!head) return null;
  const body = text.slice(head[0].length).replace(/\r/g, '');
  const run = RUN_LINE.exec(body);
  if (run) {
    const prog = PROG.exec(body)?.[1];
    if (!prog) return null;
    const progArgs = run[1]!.trim() === '' ? [] : run[1]!.trim().split(/\s+/);
    const variables = [...body.matchAll(SET_LINE)].map((m) => m[1]!);
    return { kind: 'interpreter', prog, progArgs, target: run[2]!, variables };
  }
  const direct = DIRECT_LINE.exec(body);
  if (direct && body.trim() === direct[0].trim()) return { kind: 'direct', target: direct[1]! };
  return null;
}

/**
 * npm's own `npx.cmd` / `npm.cmd`, beside `node.exe` in a Windows Node
 * install (test/fixtures/windows holds npm 11.19.1's). Not cmd-shim files:
 * each asks npm for its global prefix and runs the CLI found there (`npm i
 * -g npm` put a newer one), else the one beside it. Current npm:
 * ```
 * SET "NODE_EXE=%~dp0\node.exe"            (else node)
 * SET "NPM_PREFIX_JS=%~dp0\node_modules\npm\bin\npm-prefix.js"
 * SET "NPX_CLI_JS=%~dp0\node_modules\npm\bin\npx-cli.js"
 * FOR /F "delims=" %%F IN ('CALL "%NODE_EXE%" "%NPM_PREFIX_JS%"') DO (
 *   SET "NPM_PREFIX_NPX_CLI_JS=%%F\node_modules\npm\bin\npx-cli.js"
 * )
 * IF EXIST "%NPM_PREFIX_NPX_CLI_JS%" ( SET "NPX_CLI_JS=%NPM_PREFIX_NPX_CLI_JS%" )
 * "%NODE_EXE%" "%NPX_CLI_JS%" %*
 * ```
 * Older npm (before npm-prefix.js) asks `"%NPM_CLI_JS%" prefix -g` instead.
 */
export interface NpmOwnLauncher {
  /** How to ask for the global prefix: a script relative to the launcher's folder, then its arguments. */
  prefixArgs: string[];
  /** The CLI beside the launcher, relative to its folder. */
  target: string;
  /** The CLI under the global prefix, relative to the prefix. */
  prefixTarget: string;
}

const NPM_OWN_HEAD = /^:: Created by npm, please don't edit manually\.\r?\n/;
const NPM_OWN_RUN = /^"%NODE_EXE%" "%(NP[MX])_CLI_JS%" %\*$/m;
const NPM_OWN_PREFIX_QUERY =
  /^FOR \/F "delims=" %%F IN \('CALL "%NODE_EXE%" "%(NPM_PREFIX_JS|NPM_CLI_JS)%"( prefix -g)?'\) DO \($/m;

export function parseNpmOwnLauncher(text: string): NpmOwnLauncher | null {
  if (!NPM_OWN_HEAD.test(text)) return null;
  const body = text.replace(/\r/g, '');
  const besideLauncher = (variable: string) => new RegExp(`^SET "${variable}=%~dp0\\\\([^"]+)"$`, 'm').exec(body)?.[1];
  const name = NPM_OWN_RUN.exec(body)?.[1];
  const query = NPM_OWN_PREFIX_QUERY.exec(body);
  if (!name || !query || !/^SET "NODE_EXE=%~dp0\\node\.exe"$/m.test(body)) return null;
  const target = besideLauncher(`${name}_CLI_JS`);
  const prefixScript = besideLauncher(query[1]!);
  const prefixTarget = new RegExp(`^ *SET "NPM_PREFIX_${name}_CLI_JS=%%F\\\\([^"]+)"$`, 'm').exec(body)?.[1];
  if (!target || !prefixScript || !prefixTarget) return null;
  return { prefixArgs: [prefixScript, ...(query[2] ? ['prefix', '-g'] : [])], target, prefixTarget };
}
