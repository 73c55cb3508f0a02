/**
 * Serialises git operations on one repository within this process. Two slots
 * preparing tasks on the same repository at once would otherwise race on the
 * clone, on `refs/heads/*.lock` and on `.git/worktrees`, and fail spuriously.
 */
const tails = new Map<string, Promise<unknown>>();

export async function withRepoLock<T>(repoDir: string, fn: () => Promise<T>): Promise<T> {
  const previous = tails.get(repoDir) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  // The next caller waits for this one whether it succeeded or not.
  const tail = run.catch(() => undefined);
  tails.set(repoDir, tail);
  try {
    return await run;
  } finally {
    // Forget the key once nobody queued behind us, so the map does not grow per repository forever.
    if (tails.get(repoDir) === tail) tails.delete(repoDir);
  }
}
