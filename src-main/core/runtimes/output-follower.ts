/**
 * Reads an agent's stdout/stderr files as they grow (the wrapper writes them;
 * the runner holds no pipe), from the first byte, so that an adopted run
 * replays everything its interpreter needs (resume token, result, rate limit).
 * Polling, not fs.watch: it behaves the same on every platform and file
 * system, and costs two fstat-sized reads per interval while an agent runs.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_FILES } from './agent-wrapper';
import type { OutputStream } from './port';

export const FOLLOW_POLL_MS = 100;
const CHUNK_BYTES = 64 * 1024;
/** Read at most this much per stream per poll, so a flood cannot hold the event loop. */
const MAX_BYTES_PER_POLL = 1024 * 1024;

export interface OutputFollower {
  /** Reads what is left to the end of both files, then stops. Resolves when done; never rejects. */
  finish(): Promise<void>;
}

export function followOutput(
  runDir: string,
  onChunk: (stream: OutputStream, chunk: Buffer) => void,
  pollMs = FOLLOW_POLL_MS,
): OutputFollower {
  const streams = (['stdout', 'stderr'] as const).map((stream) => ({
    stream,
    path: join(runDir, RUN_FILES[stream]),
    handle: null as FileHandle | null,
    offset: 0,
  }));
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();

  /** `limit` null: up to the size each file has now (a leftover writer cannot keep the final read going). */
  const readSome = async (limit: number | null) => {
    for (const s of streams) {
      s.handle ??= await open(s.path, 'r').catch(() => null);
      if (!s.handle) continue;
      const bound =
        limit ??
        (await s.handle
          .stat()
          .then((st) => st.size - s.offset)
          .catch(() => 0));
      let read = 0;
      while (read < bound) {
        const size = Math.min(CHUNK_BYTES, bound - read);
        const buffer = Buffer.allocUnsafe(size);
        const { bytesRead } = await s.handle.read(buffer, 0, size, s.offset).catch(() => ({ bytesRead: 0 }));
        if (bytesRead === 0) break;
        s.offset += bytesRead;
        read += bytesRead;
        onChunk(s.stream, buffer.subarray(0, bytesRead));
      }
    }
  };

  const tick = () => {
    timer = null;
    inFlight = readSome(MAX_BYTES_PER_POLL).finally(() => {
      if (!stopped) timer = setTimeout(tick, pollMs);
    });
  };
  tick();

  return {
    async finish() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
      await readSome(null);
      await Promise.all(streams.map((s) => s.handle?.close().catch(() => {})));
    },
  };
}
