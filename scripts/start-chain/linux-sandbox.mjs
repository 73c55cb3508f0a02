/**
 * Chromium's sandbox on Linux needs either unprivileged user namespaces or a
 * SUID-root `chrome-sandbox` helper next to the executable. Ubuntu >= 23.10
 * restricts the former (AppArmor: kernel.apparmor_restrict_unprivileged_userns=1)
 * and node_modules/electron/dist/chrome-sandbox is never SUID root, so a dev
 * run aborts with "The SUID sandbox helper binary was found, but is not
 * configured correctly". Chromium also refuses to run as root with a sandbox.
 *
 * What the ecosystem does: electron-builder's AppImage launcher probes user
 * namespaces and adds --no-sandbox; the deb installs chrome-sandbox SUID root.
 * For dev runs we detect the same conditions, say why, and pass --no-sandbox
 * (electron-vite's NO_SANDBOX=1) — unless the helper is already SUID root.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The kernel switches that disable unprivileged user namespaces, with the value that means "restricted". */
export const USERNS_SWITCHES = [
  ['/proc/sys/kernel/apparmor_restrict_unprivileged_userns', '1'],
  ['/proc/sys/kernel/unprivileged_userns_clone', '0'],
  ['/proc/sys/user/max_user_namespaces', '0'],
];

/**
 * Pure decision: given what the system looks like, whether a dev run needs
 * --no-sandbox and the one line that says why.
 * @param {{ platform: string, uid: number | undefined, switches: Record<string, string | undefined>, helper: { uid: number, mode: number } | null, helperPath: string }} facts
 * @returns {{ noSandbox: boolean, reason?: string }}
 */
export function sandboxDecision({ platform, uid, switches, helper, helperPath }) {
  if (platform !== 'linux') return { noSandbox: false };
  if (uid === 0) {
    return { noSandbox: true, reason: 'running as root, where Chromium refuses its sandbox: this dev run passes --no-sandbox' };
  }
  const restricted = USERNS_SWITCHES.find(([file, value]) => switches[file]?.trim() === value);
  if (!restricted) return { noSandbox: false };
  const helperIsSuidRoot = helper !== null && helper.uid === 0 && (helper.mode & 0o4000) !== 0;
  if (helperIsSuidRoot) return { noSandbox: false };
  return {
    noSandbox: true,
    reason:
      `this Linux restricts unprivileged user namespaces (${restricted[0]} is ${restricted[1]}, e.g. Ubuntu >= 23.10) and ${helperPath} is not SUID root, ` +
      `so Electron's sandbox cannot start: this dev run passes --no-sandbox. To keep the sandbox: sudo chown root:root ${helperPath} && sudo chmod 4755 ${helperPath}. ` +
      'The deb package sets this up itself; the AppImage adds --no-sandbox itself when needed',
  };
}

/** Reads the facts for sandboxDecision from this machine (asynchronously; missing files are simply absent). */
export async function detectSandbox(electronExe) {
  const helperPath = join(dirname(electronExe), 'chrome-sandbox');
  const switches = {};
  if (process.platform === 'linux') {
    for (const [file] of USERNS_SWITCHES) switches[file] = await readFile(file, 'utf8').catch(() => undefined);
  }
  const helper = await stat(helperPath).then(
    (s) => ({ uid: s.uid, mode: s.mode }),
    () => null,
  );
  return sandboxDecision({ platform: process.platform, uid: process.getuid?.(), switches, helper, helperPath });
}
