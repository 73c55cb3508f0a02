/** When a dev run needs --no-sandbox on Linux, and what it says (scripts/start-chain/linux-sandbox.mjs). */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { detectSandbox, sandboxDecision, USERNS_SWITCHES } from '../../scripts/start-chain/linux-sandbox.mjs';

const APPARMOR = '/proc/sys/kernel/apparmor_restrict_unprivileged_userns';
const HELPER = '/p/node_modules/electron/dist/chrome-sandbox';
const base = { platform: 'linux', uid: 1000, switches: {}, helper: { uid: 1000, mode: 0o100755 }, helperPath: HELPER };

describe('sandboxDecision', () => {
  it('leaves the sandbox on where user namespaces are allowed', () => {
    expect(sandboxDecision({ ...base, switches: { [APPARMOR]: '0\n' } })).toEqual({ noSandbox: false });
  });

  it('passes --no-sandbox on Ubuntu >= 23.10 (AppArmor restricts user namespaces) and says how to keep the sandbox', () => {
    const decision = sandboxDecision({ ...base, switches: { [APPARMOR]: '1\n' } });
    expect(decision.noSandbox).toBe(true);
    expect(decision.reason).toContain(`${APPARMOR} is 1`);
    expect(decision.reason).toContain(`sudo chown root:root ${HELPER} && sudo chmod 4755 ${HELPER}`);
  });

  it('honours the older Debian switch and a zero namespace limit', () => {
    expect(sandboxDecision({ ...base, switches: { '/proc/sys/kernel/unprivileged_userns_clone': '0' } }).noSandbox).toBe(true);
    expect(sandboxDecision({ ...base, switches: { '/proc/sys/user/max_user_namespaces': '0' } }).noSandbox).toBe(true);
    expect(sandboxDecision({ ...base, switches: { '/proc/sys/user/max_user_namespaces': '63000' } }).noSandbox).toBe(false);
  });

  it('keeps the sandbox when chrome-sandbox is already SUID root (the documented fix)', () => {
    const decision = sandboxDecision({ ...base, switches: { [APPARMOR]: '1' }, helper: { uid: 0, mode: 0o104755 } });
    expect(decision).toEqual({ noSandbox: false });
    // Root-owned but not SUID is not enough.
    expect(sandboxDecision({ ...base, switches: { [APPARMOR]: '1' }, helper: { uid: 0, mode: 0o100755 } }).noSandbox).toBe(true);
  });

  it('passes --no-sandbox when running as root, where Chromium refuses to start sandboxed', () => {
    expect(sandboxDecision({ ...base, uid: 0 })).toMatchObject({ noSandbox: true, reason: expect.stringContaining('root') });
  });

  it('does nothing on macOS and Windows', () => {
    for (const platform of ['darwin', 'win32']) {
      expect(sandboxDecision({ ...base, platform, uid: 0, switches: { [APPARMOR]: '1' } })).toEqual({ noSandbox: false });
    }
  });
});

describe.runIf(process.platform === 'linux')('detectSandbox on this machine', () => {
  it('reads the real kernel switches', async () => {
    const restricted = await Promise.all(
      USERNS_SWITCHES.map(async ([file, value]) => (await readFile(file, 'utf8').catch(() => '')).trim() === value),
    );
    const decision = await detectSandbox('/nonexistent/electron');
    expect(decision.noSandbox).toBe(process.getuid?.() === 0 || restricted.some(Boolean));
  });
});
