/**
 * Where a data dir's control socket is. Apart from protocol.ts (zod) so that
 * the CLI can tell "no instance here" without loading the wire format.
 */
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';

export const SOCKET_FILE_NAME = 'control.sock';

/** Unix socket paths must fit sockaddr_un.sun_path (104 bytes on macOS, 108 on Linux, NUL included). */
const MAX_UNIX_SOCKET_PATH = 103;

/**
 * The socket for a data dir: `control.sock` inside it on Unix; on Windows a
 * named pipe (pipes live in their own namespace) named after a hash of the
 * data dir path, so each data dir gets its own.
 */
export function controlSocketPath(dataDir: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') {
    const digest = createHash('sha256').update(resolve(dataDir).toLowerCase()).digest('hex').slice(0, 24);
    return `\\\\.\\pipe\\nightshift-${digest}`;
  }
  const path = join(dataDir, SOCKET_FILE_NAME);
  if (Buffer.byteLength(path) > MAX_UNIX_SOCKET_PATH) {
    throw new Error(
      `control socket path ${path} is ${Buffer.byteLength(path)} bytes, over the ${MAX_UNIX_SOCKET_PATH}-byte limit of unix sockets; choose a shorter --data-dir`,
    );
  }
  return path;
}
