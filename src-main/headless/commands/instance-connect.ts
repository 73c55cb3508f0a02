/**
 * Reaching a running instance, and nothing more: the light half of
 * instance-access.ts, so a command that finds an instance never loads the
 * core, the database driver, the sources or the runtimes.
 */
import { type ControlConnection, connectControl } from '../../api/control/client';
import { readControlSecret } from '../../api/control/secret';
import { controlSocketPath } from '../../api/control/socket-path';

/** Connects to the instance serving `dataDir`, presenting its control secret; null when none runs. */
export async function connectToInstance(dataDir: string): Promise<ControlConnection | null> {
  // No secret file: nothing serves this dir (or an older version does; its refusal then names the problem).
  const secret = await readControlSecret(dataDir);
  return connectControl(controlSocketPath(dataDir), secret ?? '');
}
