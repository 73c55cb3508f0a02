/**
 * Becoming "the instance" of a data dir, the same way in `nightshift run` and
 * the tray app: take the data dir's exclusive lock before anything else
 * (acquireInstanceLock), then write a fresh control secret and serve the
 * control socket (serveControl). Once the lock
 * is ours, whatever sits at the socket path is a dead instance's leftover.
 */
import { acquireInstanceLock, type InstanceLock, InstanceLockedError } from '../../core/store/instance-lock';
import { controlSocketPath } from './protocol';
import { removeControlSecret, writeControlSecret } from './secret';
import { type ControlServer, type Dispatch, isAnswering, startControlServer } from './server';

/** How long a starting instance waits for the lock (an offline CLI command holds it for a moment). */
export const INSTANCE_LOCK_WAIT_MS = 3_000;
const LOCK_RETRY_MS = 100;

/**
 * Takes the data dir's lock for an instance. While another process holds it,
 * retries for up to `waitMs` (offline CLI commands hold it briefly), but gives
 * up at once when that process serves the control socket: that is a running
 * instance, which will not let go.
 */
export async function acquireInstanceLockToServe(
  dataDir: string,
  options: { nativeBinding?: string | undefined; waitMs?: number } = {},
): Promise<InstanceLock> {
  const deadline = Date.now() + (options.waitMs ?? INSTANCE_LOCK_WAIT_MS);
  for (;;) {
    try {
      return await acquireInstanceLock(dataDir, { nativeBinding: options.nativeBinding });
    } catch (err) {
      if (!(err instanceof InstanceLockedError)) throw err;
      if (Date.now() >= deadline || (await isAnswering(controlSocketPath(dataDir), 1_000))) throw err;
    }
    // Jittered, like acquireInstanceLock's own retries: two starts must not stay in step.
    await new Promise((r) => setTimeout(r, LOCK_RETRY_MS * (0.5 + Math.random())));
  }
}

export interface InstanceOptions {
  dataDir: string;
  dispatch: Dispatch;
  onError?(message: string): void;
}

export interface ServedInstance {
  readonly control: ControlServer;
  /**
   * Stops serving and removes the secret. The lock stays with the caller, who
   * releases it last, after the core stopped: nothing may start on a dir whose
   * agents are still being stopped.
   */
  close(): Promise<void>;
}

/** Serves the control socket for a data dir whose lock `lock` holds; releases the lock only if serving fails. */
export async function serveControl(lock: InstanceLock, options: InstanceOptions): Promise<ServedInstance> {
  let control: ControlServer;
  try {
    const secret = await writeControlSecret(options.dataDir);
    control = await startControlServer({
      socketPath: controlSocketPath(options.dataDir),
      secret,
      dispatch: options.dispatch,
      ...(options.onError ? { onError: options.onError } : {}),
    });
  } catch (err) {
    await removeControlSecret(options.dataDir).catch(() => {});
    lock.release();
    throw err;
  }
  let closing: Promise<void> | null = null;
  return {
    control,
    close() {
      closing ??= (async () => {
        await control.close();
        await removeControlSecret(options.dataDir).catch(() => {});
      })();
      return closing;
    },
  };
}
