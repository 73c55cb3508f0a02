/**
 * Temporary folders the start chain writes through. Each is renamed into place
 * when complete; until then it is tracked here, so that Ctrl-C or SIGTERM
 * removes it (electron-native.mjs) and a run killed outright has its
 * leftovers swept by the next run (sweep()).
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

const live = new Set();

/** A new temporary folder `<parent>/<prefix>XXXXXX`, removed by removeAll() until released. */
export async function stagingDir(parent, prefix) {
  const dir = await mkdtemp(join(parent, prefix));
  live.add(dir);
  return dir;
}

/** Forgets a staging folder (renamed into place, or removed by its owner). */
export function release(dir) {
  live.delete(dir);
}

/** Removes every staging folder still in use (on a signal). */
export async function removeAll() {
  await Promise.all([...live].map((dir) => rm(dir, { recursive: true, force: true })));
  live.clear();
}

/** Removes leftovers `<parent>/<prefix>*` of a run that was killed outright. */
export async function sweep(parent, prefix) {
  const entries = await readdir(parent).catch(() => []);
  await Promise.all(
    entries.filter((e) => e.startsWith(prefix)).map((e) => rm(join(parent, e), { recursive: true, force: true })),
  );
}
