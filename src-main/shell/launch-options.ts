/**
 * How this launch was asked to behave, read once from argv and the
 * environment and validated at the boundary.
 *
 * - `--hidden` (written into the login item) or macOS's `wasOpenedAtLogin`:
 *   tray only, no window;
 * - `NIGHTSHIFT_USER_DATA` (or Chromium's own `--user-data-dir`): where data
 *   lives instead of `app.getPath('userData')` — tests and portable setups;
 * - `NIGHTSHIFT_OPEN_WINDOW=1`: open the window at start (end-to-end tests).
 */
import { isAbsolute } from 'node:path';
import { formatIssues } from '@shared/zod-issues';
import { z } from 'zod';
import { HIDDEN_ARG } from './login-item';

export interface LaunchOptions {
  hidden: boolean;
  openWindow: boolean;
  userDataDir: string | null;
}

const envSchema = z.object({
  NIGHTSHIFT_USER_DATA: z.string().refine(isAbsolute, 'must be an absolute path').optional(),
  NIGHTSHIFT_OPEN_WINDOW: z.enum(['0', '1']).optional(),
});

export function parseLaunchOptions(argv: readonly string[], env: NodeJS.ProcessEnv, openedAtLogin = false): LaunchOptions {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(formatIssues('environment', parsed.error.issues));
  const openWindow = parsed.data.NIGHTSHIFT_OPEN_WINDOW === '1';
  return {
    hidden: !openWindow && (openedAtLogin || argv.includes(HIDDEN_ARG)),
    openWindow,
    userDataDir: parsed.data.NIGHTSHIFT_USER_DATA ?? null,
  };
}
