/**
 * An npm-installed CLI on Windows is a `.cmd` shim that Node (≥ 20.12,
 * CVE-2024-27980) refuses to spawn without a shell. The shims here are real:
 * written by npm's own cmd-shim library (the one npm uses for every bin),
 * resolved with the Windows branch of resolveLaunch, and what it resolves to
 * is spawned for real, with an argument cmd.exe would have interpreted.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import cmdShim from 'cmd-shim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realCli } from '../../../test/runtimes/real-clis';
import { checkLaunch } from './availability';
import { type LaunchContext, LaunchError, resolveLaunch } from './launch';
import { parseNpmCmdShim, parseNpmOwnLauncher } from './npm-cmd-shim';

const run = promisify(execFile);
/** Everything cmd.exe would act on: with `shell: true` this would run commands. */
const HOSTILE = 'fix "it" & echo pwned | more %PATH% ^& (x) <y> !z!';

let dir: string;
let bin: string;
let pkg: string;
const win = (overrides: Partial<LaunchContext> = {}): LaunchContext => ({
  platform: 'win32',
  pathVar: bin,
  pathExt: '.COM;.EXE;.BAT;.CMD',
  execPath: process.execPath,
  isElectron: false,
  ...overrides,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-launch-'));
  bin = join(dir, 'node_modules', '.bin');
  pkg = join(dir, 'node_modules', 'agent-cli');
  await mkdir(join(pkg, 'bin'), { recursive: true });
  const script = [
    '#!/usr/bin/env node',
    "if (process.argv[2] === '--version') { console.log('agent-cli 1.2.3'); process.exit(0); }",
    'console.log(JSON.stringify({ argv: process.argv.slice(2), execArgv: process.execArgv }));',
  ].join('\n');
  await writeFile(join(pkg, 'cli.js'), script);
  await writeFile(join(pkg, 'flags.js'), script.replace('#!/usr/bin/env node', '#!/usr/bin/env node --no-warnings'));
  await writeFile(join(pkg, 'envy.js'), script.replace('#!/usr/bin/env node', '#!/usr/bin/env -S FOO=1 node'));
  await writeFile(join(pkg, 'tool.py'), '#!/usr/bin/env python3\nprint("hi")\n');
  // A native program: no #! line, so cmd-shim writes the direct form (claude's bin/claude.exe is one).
  await symlink(process.execPath, join(pkg, 'bin', 'native.exe'));
  await cmdShim(join(pkg, 'cli.js'), join(bin, 'agent'));
  await cmdShim(join(pkg, 'flags.js'), join(bin, 'agent-flags'));
  await cmdShim(join(pkg, 'envy.js'), join(bin, 'agent-env'));
  await cmdShim(join(pkg, 'tool.py'), join(bin, 'pytool'));
  await cmdShim(join(pkg, 'bin', 'native.exe'), join(bin, 'native'));
  await writeFile(join(bin, 'custom.cmd'), '@echo off\r\nnode "%~dp0\\..\\agent-cli\\cli.js" %*\r\n');
  await chmod(join(bin, 'custom.cmd'), 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("npm's cmd-shim, parsed", () => {
  it('reads the script and the shebang arguments of a node bin', async () => {
    expect(parseNpmCmdShim(await readFile(join(bin, 'agent.cmd'), 'utf8'))).toEqual({
      kind: 'interpreter',
      prog: 'node',
      progArgs: [],
      target: '..\\agent-cli\\cli.js',
      variables: [],
    });
    expect(parseNpmCmdShim(await readFile(join(bin, 'agent-flags.cmd'), 'utf8'))).toMatchObject({ progArgs: ['--no-warnings'] });
    expect(parseNpmCmdShim(await readFile(join(bin, 'agent-env.cmd'), 'utf8'))).toMatchObject({ variables: ['FOO=1'] });
    expect(parseNpmCmdShim(await readFile(join(bin, 'native.cmd'), 'utf8'))).toEqual({
      kind: 'direct',
      target: '..\\agent-cli\\bin\\native.exe',
    });
    expect(parseNpmCmdShim(await readFile(join(bin, 'custom.cmd'), 'utf8'))).toBeNull();
  });
});

describe('resolveLaunch on Windows', () => {
  it('turns a node shim into `node <script>`, and that runs for real with the task text intact', async () => {
    const launch = await resolveLaunch('agent', win());
    // No node.exe beside the shim or on this PATH, and this process is Node: its own binary.
    expect(launch).toEqual({ program: process.execPath, args: [join(pkg, 'cli.js')] });
    const { stdout } = await run(launch.program, [...launch.args, HOSTILE, '--flag']);
    expect(JSON.parse(stdout)).toEqual({ argv: [HOSTILE, '--flag'], execArgv: [] });
  });

  it("uses the shim's own node.exe when it has one, then node.exe on PATH; never Electron's binary", async () => {
    const beside = join(bin, 'node.exe');
    await symlink(process.execPath, beside);
    try {
      const launch = await resolveLaunch('agent-flags', win({ isElectron: true }));
      expect(launch).toEqual({ program: beside, args: ['--no-warnings', join(pkg, 'flags.js')] });
      const { stdout } = await run(launch.program, [...launch.args, HOSTILE]);
      expect(JSON.parse(stdout)).toEqual({ argv: [HOSTILE], execArgv: ['--no-warnings'] });
    } finally {
      await rm(beside);
    }
    const nodeDir = join(dir, 'nodejs');
    await mkdir(nodeDir, { recursive: true });
    await symlink(process.execPath, join(nodeDir, 'node.exe'));
    expect(await resolveLaunch('agent', win({ isElectron: true, pathVar: `${bin};${nodeDir}` }))).toEqual({
      program: join(nodeDir, 'node.exe'),
      args: [join(pkg, 'cli.js')],
    });
    await expect(resolveLaunch('agent', win({ isElectron: true }))).rejects.toThrow(/no node\.exe is on PATH/);
  });

  it("runs a native bin's .exe directly", async () => {
    const launch = await resolveLaunch('native', win());
    expect(launch).toEqual({ program: join(pkg, 'bin', 'native.exe'), args: [] });
    const { stdout } = await run(launch.program, [...launch.args, '-p', 'JSON.stringify(process.argv.slice(1))', HOSTILE]);
    expect(JSON.parse(stdout)).toEqual([HOSTILE]);
  });

  it('refuses a .cmd that is not an npm shim, or one it cannot run without cmd.exe, saying what to set instead', async () => {
    for (const [name, why] of [
      ['custom', /custom\.cmd is a batch file, not an npm shim/],
      ['pytool', /runs python3, not node/],
      ['agent-env', /sets FOO for node/],
    ] as const) {
      const refusal = resolveLaunch(name, win());
      await expect(refusal).rejects.toBeInstanceOf(LaunchError);
      await expect(refusal).rejects.toThrow(why);
      await expect(refusal).rejects.toThrow(
        /CVE-2024-27980.*point "binary" \(or the command\) at the CLI's \.exe or at its JavaScript entry/,
      );
    }
  });

  it('leaves a program that is not a batch file, and every other platform, alone', async () => {
    expect(await resolveLaunch('agent', { ...win(), platform: 'linux' })).toEqual({ program: 'agent', args: [] });
    expect(await resolveLaunch('missing', win())).toEqual({ program: 'missing', args: [] });
    expect(await resolveLaunch('native.exe', win({ pathVar: join(pkg, 'bin') }))).toEqual({
      program: join(pkg, 'bin', 'native.exe'),
      args: [],
    });
  });
});

describe("npm's own npx.cmd and npm.cmd (not cmd-shim files)", () => {
  const FIXTURES = resolve(__dirname, '../../../test/fixtures/windows');
  const npxCmd = join(FIXTURES, 'npm-11.19.1-npx.cmd');
  const npmCmd = join(FIXTURES, 'npm-11.19.1-npm.cmd');

  it('reads where each launcher looks for its CLI', async () => {
    expect(parseNpmOwnLauncher(await readFile(npxCmd, 'utf8'))).toEqual({
      prefixArgs: ['node_modules\\npm\\bin\\npm-prefix.js'],
      target: 'node_modules\\npm\\bin\\npx-cli.js',
      prefixTarget: 'node_modules\\npm\\bin\\npx-cli.js',
    });
    expect(parseNpmOwnLauncher(await readFile(npmCmd, 'utf8'))).toEqual({
      prefixArgs: ['node_modules\\npm\\bin\\npm-prefix.js'],
      target: 'node_modules\\npm\\bin\\npm-cli.js',
      prefixTarget: 'node_modules\\npm\\bin\\npm-cli.js',
    });
    expect(parseNpmOwnLauncher(await olderNpx())).toEqual({
      prefixArgs: ['node_modules\\npm\\bin\\npm-cli.js', 'prefix', '-g'],
      target: 'node_modules\\npm\\bin\\npx-cli.js',
      prefixTarget: 'node_modules\\npm\\bin\\npx-cli.js',
    });
    expect(parseNpmCmdShim(await readFile(npxCmd, 'utf8'))).toBeNull();
    expect(parseNpmOwnLauncher(await readFile(join(bin, 'agent.cmd'), 'utf8'))).toBeNull();
  });

  /** npm's npx.cmd from before npm-prefix.js (not recorded: the real 11.19.1 file with the older query put back). */
  async function olderNpx(): Promise<string> {
    return (await readFile(npxCmd, 'utf8'))
      .replace(/SET "NPM_PREFIX_JS=[^\r\n]*/, 'SET "NPM_CLI_JS=%~dp0\\node_modules\\npm\\bin\\npm-cli.js"')
      .replace('"%NPM_PREFIX_JS%"\')', '"%NPM_CLI_JS%" prefix -g\')');
  }

  /** A Node install's folder as the Windows installer lays it out: the launcher beside node_modules\npm. */
  async function nodeInstall(name: string, npmPackage?: string, launcher?: string): Promise<string> {
    const home = join(dir, name);
    await mkdir(home, { recursive: true });
    if (launcher) await writeFile(join(home, 'npx.cmd'), launcher);
    else await copyFile(npxCmd, join(home, 'npx.cmd'));
    if (npmPackage) {
      await mkdir(join(home, 'node_modules'), { recursive: true });
      await symlink(npmPackage, join(home, 'node_modules', 'npm'));
    } else {
      await mkdir(join(home, 'node_modules', 'npm', 'bin'), { recursive: true });
    }
    return home;
  }

  const realNpm = findRealNpm();
  it.skipIf(!realNpm)(
    'the real npm behind its real launcher: `npx` becomes node + npx-cli.js, and answers',
    async () => {
      const home = await nodeInstall('nodejs-real', realNpm!);
      // Its npm-prefix.js runs for real and names this machine's prefix, which holds no node_modules\npm: the CLI beside.
      const launch = await resolveLaunch('npx', win({ pathVar: home }));
      expect(launch).toEqual({ program: process.execPath, args: [join(home, 'node_modules', 'npm', 'bin', 'npx-cli.js')] });
      const { stdout } = await run(launch.program, [...launch.args, '--version'], { timeout: 60_000 });
      const { version } = JSON.parse(await readFile(join(realNpm!, 'package.json'), 'utf8')) as { version: string };
      expect(stdout.trim()).toBe(version);

      // The older launcher asks the real npm-cli.js `prefix -g`: the same CLI, the same answer.
      const older = await nodeInstall('nodejs-older', realNpm!, await olderNpx());
      const olderLaunch = await resolveLaunch('npx', win({ pathVar: older }));
      expect(olderLaunch.args).toEqual([join(older, 'node_modules', 'npm', 'bin', 'npx-cli.js')]);
      expect((await run(olderLaunch.program, [...olderLaunch.args, '--version'], { timeout: 60_000 })).stdout.trim()).toBe(
        version,
      );
    },
    90_000,
  );

  it("prefers the CLI under npm's global prefix (npm i -g npm), as the launcher does, and falls back to its own", async () => {
    const home = await nodeInstall('nodejs-prefix');
    const npmBin = join(home, 'node_modules', 'npm', 'bin');
    const prefix = join(dir, 'appdata-npm');
    const upgraded = join(prefix, 'node_modules', 'npm', 'bin', 'npx-cli.js');
    await mkdir(dirname(upgraded), { recursive: true });
    await writeFile(upgraded, "console.log('upgraded')");
    await writeFile(join(npmBin, 'npx-cli.js'), "console.log('bundled')");
    await writeFile(join(npmBin, 'npm-prefix.js'), `console.log(${JSON.stringify(prefix)})`);
    expect((await resolveLaunch('npx', win({ pathVar: home }))).args).toEqual([upgraded]);

    await rm(upgraded);
    expect((await resolveLaunch('npx', win({ pathVar: home }))).args).toEqual([join(npmBin, 'npx-cli.js')]);
    await writeFile(join(npmBin, 'npm-prefix.js'), 'process.exit(1)');
    expect((await resolveLaunch('npx', win({ pathVar: home }))).args).toEqual([join(npmBin, 'npx-cli.js')]);

    await rm(join(npmBin, 'npx-cli.js'));
    await expect(resolveLaunch('npx', win({ pathVar: home }))).rejects.toThrow(
      /is npm's launcher for .*npx-cli\.js, which does not exist/,
    );
  });
});

/** The npm package this Node runs (npm's own, not a dependency), or null. */
function findRealNpm(): string | null {
  const candidates = [
    process.env.npm_execpath ? resolve(dirname(process.env.npm_execpath), '..') : null,
    resolve(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm'),
  ];
  for (const candidate of candidates) {
    if (candidate && existsSync(join(candidate, 'bin', 'npx-cli.js'))) return candidate;
  }
  console.log('[launch.test] no npm package found beside this Node: the real-npm launcher case is skipped');
  return null;
}

describe('availability through the resolved launch', () => {
  it("asks the shim's script for its version, and reports a refused shim as unavailable with the reason", async () => {
    const ok = await checkLaunch('agent', { versionArgs: ['--version'], pathVar: bin, launchContext: win() });
    expect(ok.availability).toEqual({ available: true, version: 'agent-cli 1.2.3' });
    expect(ok.launch.args).toEqual([join(pkg, 'cli.js')]);
    const refused = await checkLaunch('custom', { versionArgs: ['--version'], pathVar: bin, launchContext: win() });
    expect(refused.availability.available).toBe(false);
    expect(refused.availability.available === false && refused.availability.reason).toMatch(/not an npm shim/);
  });
});

const codex = realCli('codex');
describe.skipIf(!codex)('a real CLI package behind a real shim', () => {
  it("codex's npm bin, shimmed as npm does on Windows, runs as node + codex.js", async () => {
    const entry = await realpath(codex!);
    const shimDir = join(dir, 'real-bin');
    await cmdShim(entry, join(shimDir, 'codex'));
    const launch = await resolveLaunch('codex', win({ pathVar: shimDir }));
    expect(launch).toEqual({ program: process.execPath, args: [entry] });
    const { stdout } = await run(launch.program, [...launch.args, '--version'], { timeout: 60_000 });
    expect(stdout).toMatch(/codex-cli \d+\.\d+/);
  }, 90_000);
});
