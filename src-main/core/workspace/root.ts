/**
 * Where workspaces live: never inside the data dir (an agent in its default
 * workspace found the team token four levels up). The default is the
 * platform's per-user cache folder — it survives a reboot, which a worktree a
 * session resumes in must, and it is what backup tools skip.
 */
import { homedir } from 'node:os';
import { join, win32 } from 'node:path';

export interface WorkspaceRootEnv {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  home: string;
}

/** Pure (every input a parameter), so each platform's rule is tested on Linux. */
export function defaultWorkspaceRoot({ env, platform, home }: WorkspaceRootEnv): string {
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Caches', 'Nightshift', 'workspaces');
    case 'win32':
      return win32.join(env.LOCALAPPDATA || win32.join(home, 'AppData', 'Local'), 'Nightshift', 'workspaces');
    default:
      // XDG: a relative XDG_CACHE_HOME is invalid and must be ignored.
      if (env.XDG_CACHE_HOME?.startsWith('/')) return join(env.XDG_CACHE_HOME, 'nightshift', 'workspaces');
      return join(home, '.cache', 'nightshift', 'workspaces');
  }
}

export function workspaceRootFor(configured: string | undefined): string {
  return configured ?? defaultWorkspaceRoot({ env: process.env, platform: process.platform, home: homedir() });
}
