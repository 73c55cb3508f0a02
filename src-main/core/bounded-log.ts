/**
 * A log file that cannot fill the disk (each session's log, the tray app's
 * `logs/main.log`): once it passes `maxBytes`
 * it is renamed to `<path>.1` (replacing an older one) and writing continues
 * in a fresh file, so at most about 2 × maxBytes are kept. Writes are
 * asynchronous and serialised through one promise chain so that lines stay in
 * order without blocking the event loop.
 */
import { appendFile, mkdir, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export const DEFAULT_MAX_LOG_BYTES = 5 * 1024 * 1024;

export interface BoundedLog {
  append(text: string): void;
  /** Resolves once everything appended so far is on disk. Never rejects. */
  flush(): Promise<void>;
}

export function createBoundedLog(
  path: string,
  maxBytes = DEFAULT_MAX_LOG_BYTES,
  onError: (err: unknown) => void = () => {},
): BoundedLog {
  let size: number | null = null;
  let pending: string[] = [];
  let chain: Promise<void> = mkdir(dirname(path), { recursive: true })
    .then(async () => {
      size = await stat(path).then(
        (s) => s.size,
        () => 0,
      );
    })
    .catch(onError);

  const rotate = async () => {
    await rename(path, `${path}.1`).catch(onError);
    size = 0;
  };

  /** Writes what is pending in as few appends as the size bound allows. */
  const writeBatch = async () => {
    const texts = pending;
    pending = [];
    let batch = '';
    let batchBytes = 0;
    for (const text of texts) {
      const bytes = Buffer.byteLength(text);
      if ((size ?? 0) + batchBytes + bytes > maxBytes && (size ?? 0) + batchBytes > 0) {
        if (batch) await appendFile(path, batch);
        batch = '';
        batchBytes = 0;
        await rotate();
      }
      batch += text;
      batchBytes += bytes;
    }
    if (batch) await appendFile(path, batch);
    size = (size ?? 0) + batchBytes;
  };

  return {
    append(text) {
      // Batch lines that arrive while a write is in flight into the next write.
      const wasIdle = pending.length === 0;
      pending.push(text);
      if (wasIdle) chain = chain.then(writeBatch).catch(onError);
    },
    flush() {
      return chain;
    },
  };
}
