/**
 * The control socket's per-data-dir secret: 32 random bytes in `control.secret`
 * (mode 0600), written by the instance holding the data dir's lock each time it
 * starts, read by the CLI before it connects. A client must present it as its
 * first line or is dropped before any request is parsed. What this does and
 * does not stop: docs/security.md.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writePrivateFile } from '../../core/store/private-file';

export const SECRET_FILE_NAME = 'control.secret';
/** base64url of 32 bytes. */
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function controlSecretPath(dataDir: string): string {
  return join(dataDir, SECRET_FILE_NAME);
}

/** A fresh secret, written beside and renamed into place (never half a file), 0600 from creation. */
export async function writeControlSecret(dataDir: string): Promise<string> {
  const secret = randomBytes(32).toString('base64url');
  await writePrivateFile(controlSecretPath(dataDir), `${secret}\n`);
  return secret;
}

/** The secret of the instance serving this data dir; null when there is none (no file). */
export async function readControlSecret(dataDir: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(controlSecretPath(dataDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`cannot read the control secret ${controlSecretPath(dataDir)}: ${(err as Error).message}`);
  }
  const secret = text.trim();
  if (!SECRET_PATTERN.test(secret)) throw new Error(`the control secret ${controlSecretPath(dataDir)} is malformed`);
  return secret;
}

export async function removeControlSecret(dataDir: string): Promise<void> {
  await rm(controlSecretPath(dataDir), { force: true });
}

/** Constant-time comparison, so the reply time says nothing about how much of a guess was right. */
export function secretMatches(presented: string, secret: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}
