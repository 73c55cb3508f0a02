/**
 * A task whose `repository` is a URL works from one shared clone per URL under
 * `<baseDir>/repos/`: cloned the first time, fetched on every later use. The
 * clone is ours alone, so its refs can move freely; worktrees are added from it.
 */
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../errors';
import type { Logger } from '../log';
import { gitIn, NETWORK_TIMEOUT_MS, runGit } from './git';
import { cloneDirName, redactUrl } from './naming';
import { WorkspaceError } from './workspace';

export function cloneDirFor(url: string, baseDir: string): string {
  return join(baseDir, 'repos', cloneDirName(url));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Makes `cloneDir` an up-to-date clone of `url`: clones or fetches. The caller
 * holds the repository lock for that directory.
 */
export async function ensureClone(url: string, cloneDir: string, logger: Logger): Promise<void> {
  if (await exists(cloneDir)) {
    try {
      await gitIn(cloneDir, ['fetch', '--prune', '--quiet', 'origin'], { timeoutMs: NETWORK_TIMEOUT_MS });
    } catch (err) {
      // Offline laptops still work on what they have; the agent starts from the last fetched state.
      logger.log(
        'warn',
        'workspace',
        `fetch of ${redactUrl(url)} failed, using the cached clone: ${redactUrl(errorMessage(err))}`,
      );
    }
    return;
  }
  const parent = join(cloneDir, '..');
  await mkdir(parent, { recursive: true });
  // Clone beside the final name and rename at the end, so a half-finished clone is never mistaken for a usable one.
  const partial = await mkdtemp(join(parent, '.partial-'));
  try {
    await runGit(['clone', '--no-checkout', '--quiet', '--', url, partial], { timeoutMs: NETWORK_TIMEOUT_MS });
    await rename(partial, cloneDir);
    logger.log('info', 'workspace', `cloned ${redactUrl(url)} into ${cloneDir}`);
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw new WorkspaceError(`cloning ${redactUrl(url)} failed: ${redactUrl(errorMessage(err))}`, { cause: err });
  }
}

/** The remote's default branch as a remote-tracking ref, e.g. `origin/main`. */
export async function remoteDefaultBranch(cloneDir: string, url: string): Promise<string> {
  const read = () => gitIn(cloneDir, ['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']);
  try {
    return await read();
  } catch {
    // origin/HEAD is only set at clone time; ask the remote when it is missing.
    try {
      await gitIn(cloneDir, ['remote', 'set-head', 'origin', '--auto'], { timeoutMs: NETWORK_TIMEOUT_MS });
      return await read();
    } catch (err) {
      throw new WorkspaceError(`${redactUrl(url)} has no default branch (empty repository?): ${redactUrl(errorMessage(err))}`, {
        cause: err,
      });
    }
  }
}
