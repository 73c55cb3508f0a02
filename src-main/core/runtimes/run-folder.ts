/**
 * A run folder holds one agent run's files, written by the agent wrapper
 * (agent-wrapper.ts): `wrapper.json`, `stdout`, `stderr`, `exit.json`. It lives
 * at `<runsDir>/<sessionId>/<attempt>` and is removed once the run's outcome
 * is in the database. What is found there at restart decides adoption.
 * An ACP run (no wrapper: its conversation lives on pipes) writes only the
 * process record, so that a restart can identify its agent and kill it.
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { RUN_FILES } from './agent-wrapper';

export function runDirOf(runsDir: string, sessionId: string, attempt: number): string {
  return join(runsDir, sessionId, String(attempt));
}

const wrapperSchema = z.object({ pid: z.number().int().positive(), startTime: z.string().nullable(), startedAt: z.number() });
export type WrapperRecord = z.infer<typeof wrapperSchema>;

const exitSchema = z.object({
  code: z.number().int().nullable(),
  signal: z.string().nullable(),
  spawnError: z.string().optional(),
  /** Set when the wrapper stopped the agent for writing more than this many bytes of output. */
  outputLimit: z.number().int().positive().optional(),
});
export type ExitRecord = z.infer<typeof exitSchema>;

async function readJson<T>(path: string, schema: z.ZodType<T>): Promise<T | null> {
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export const readWrapperRecord = (runDir: string) => readJson(join(runDir, RUN_FILES.wrapper), wrapperSchema);

/** Writes the process record (`wrapper.json`) atomically, as the wrapper does: tmp + rename. */
export async function writeProcessRecord(runDir: string, record: WrapperRecord): Promise<void> {
  await mkdir(runDir, { recursive: true });
  const path = join(runDir, RUN_FILES.wrapper);
  await writeFile(`${path}.tmp`, JSON.stringify(record));
  await rename(`${path}.tmp`, path);
}
export const readExitRecord = (runDir: string) => readJson(join(runDir, RUN_FILES.exit), exitSchema);

export interface RunFolder {
  sessionId: string;
  attempt: number;
  dir: string;
}

/** Every run folder under `runsDir` (none when it does not exist). */
export async function listRunFolders(runsDir: string): Promise<RunFolder[]> {
  const sessions = await readdir(runsDir).catch(() => [] as string[]);
  const found: RunFolder[] = [];
  for (const sessionId of sessions) {
    const attempts = await readdir(join(runsDir, sessionId)).catch(() => [] as string[]);
    for (const attempt of attempts) {
      if (/^\d+$/.test(attempt)) found.push({ sessionId, attempt: Number(attempt), dir: join(runsDir, sessionId, attempt) });
    }
  }
  return found;
}
