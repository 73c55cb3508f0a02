/**
 * A file only its owner may read (tokens, secrets, the saved run config),
 * written atomically: beside the target under this process's pid, then
 * renamed into place, so a reader never sees half a file.
 */
import { chmod, rename, writeFile } from 'node:fs/promises';

export async function writePrivateFile(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  // The mode applies only when the file is created; a leftover tmp of a crashed run with our pid keeps its own.
  if (process.platform !== 'win32') await chmod(tmp, 0o600);
  await rename(tmp, path);
}
