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
