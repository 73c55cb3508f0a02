/**
 * The login shell's PATH, with real shells: a stand-in login shell (a script
 * that prints what a user's rc files would set), one that hangs, one that
 * prints nothing useful, a $SHELL that fails at once — and this machine's
 * own /bin/sh and bash.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adoptLoginShellPath, loginShellOf, loginShellPath, mergePath, parseShellEnv } from './login-shell-env';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-shell-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A "login shell" that runs its -c script under /bin/sh after setting PATH the way a .zprofile would. */
async function fakeShell(body: string): Promise<string> {
  const path = join(dir, 'fake-shell');
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

describe('login shell PATH', () => {
  it('reads PATH from the login shell, ignoring what rc files print around it', async () => {
    const shell = await fakeShell(
      'echo "Welcome to zsh"; printf "\\033[1mbold\\033[0m"; PATH=/opt/homebrew/bin:$HOME/.local/bin:/usr/bin; export PATH; exec /bin/sh -c "$2"',
    );
    const path = await loginShellPath({ platform: 'darwin', env: { SHELL: shell, HOME: '/Users/u', PATH: '/usr/bin:/bin' } });
    expect(path).toBe('/opt/homebrew/bin:/Users/u/.local/bin:/usr/bin');
  });

  it('puts the shell PATH first and keeps what launchd gave', async () => {
    const shell = await fakeShell('PATH=/opt/homebrew/bin:/usr/bin; export PATH; exec /bin/sh -c "$2"');
    const env: NodeJS.ProcessEnv = { SHELL: shell, PATH: '/usr/bin:/bin:/usr/sbin:/sbin' };
    const said = await adoptLoginShellPath({ platform: 'darwin', env });
    expect(env.PATH).toBe('/opt/homebrew/bin:/usr/bin:/bin:/usr/sbin:/sbin');
    expect(said).toMatch(/^login shell PATH adopted in \d+ ms/);
  });

  it('gives up on a shell that hangs, kills it, and keeps the PATH it had', async () => {
    const shell = await fakeShell('exec sleep 30');
    const env: NodeJS.ProcessEnv = { SHELL: shell, PATH: '/usr/bin:/bin' };
    const started = Date.now();
    const said = await adoptLoginShellPath({ platform: 'linux', env, timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(env.PATH).toBe('/usr/bin:/bin');
    expect(said).toMatch(/gave none within 300 ms; keeping \/usr\/bin:\/bin/);
  });

  it('keeps the PATH when neither $SHELL nor the default shell gives one (missing, or no env printed)', async () => {
    const quiet = await fakeShell('exit 0');
    const missing = join(dir, 'missing');
    expect(await loginShellPath({ platform: 'linux', env: { SHELL: missing }, fallbackShell: quiet })).toBeNull();
    expect(await loginShellPath({ platform: 'linux', env: { SHELL: quiet }, fallbackShell: missing })).toBeNull();
  });

  it('is not needed on Windows, where a GUI app inherits the user PATH', async () => {
    const env: NodeJS.ProcessEnv = { PATH: 'C:\\Windows' };
    expect(await adoptLoginShellPath({ platform: 'win32', env })).toMatch(/not needed on Windows/);
    expect(env.PATH).toBe('C:\\Windows');
  });

  it("works with this machine's real shells, whatever this account's $SHELL is", async () => {
    // Not $SHELL itself: a CI account's may be nologin or a shell that is not installed (this failed on CI).
    for (const shell of ['/bin/sh', '/bin/bash'].filter((s) => existsSync(s))) {
      expect(await loginShellPath({ platform: 'linux', env: { ...process.env, SHELL: shell } }), shell).toMatch(/\/usr\/bin/);
    }
  });

  it('a $SHELL that fails at once (missing, or nologin) is followed by the default shell', async () => {
    for (const broken of ['/nonexistent/zsh', '/usr/sbin/nologin', '/bin/false'].filter(
      (s) => s.startsWith('/nonexistent') || existsSync(s),
    )) {
      const env: NodeJS.ProcessEnv = { ...process.env, SHELL: broken };
      expect(await loginShellPath({ platform: 'linux', env }), broken).toMatch(/\/usr\/bin/);
    }
  });

  it('helpers: default shells, parsing, merging without duplicates', () => {
    expect(loginShellOf('darwin', {})).toBe('/bin/zsh');
    expect(loginShellOf('linux', {})).toBe('/bin/sh');
    expect(loginShellOf('linux', { SHELL: '/usr/bin/fish' })).toBe('/usr/bin/fish');
    expect(parseShellEnv('no marks here')).toBeNull();
    expect(parseShellEnv('_NIGHTSHIFT_SHELL_ENV_PATH=/x')).toBeNull();
    // What dash's env prints: `_` holds the mark (its printf's last argument), before PATH.
    expect(parseShellEnv('_NIGHTSHIFT_SHELL_ENV_A=1\n_=_NIGHTSHIFT_SHELL_ENV_\nPATH=/usr/bin\n_NIGHTSHIFT_SHELL_ENV_')).toEqual({
      A: '1',
      _: '_NIGHTSHIFT_SHELL_ENV_',
      PATH: '/usr/bin',
    });
    expect(mergePath('/a:/b', '/b:/c:', ':')).toBe('/a:/b:/c');
  });
});
