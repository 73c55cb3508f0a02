/**
 * The tray app's SecretStore (core/secret-port.ts): source tokens encrypted
 * with Electron's safeStorage (macOS Keychain, Windows DPAPI, libsecret or
 * KWallet on Linux) in `secrets.json`, so that no token sits on disk in
 * plaintext. On Linux without a keyring safeStorage falls back to a fixed key
 * ("basic_text"), which is plaintext in disguise: storing is refused there.
 */
import { readFile } from 'node:fs/promises';
import type { SafeStorage } from 'electron';
import type { SecretStore } from '../core/secret-port';
import { writePrivateFile } from '../core/store/private-file';

export const SECRETS_FILE_NAME = 'secrets.json';

export type SafeStoragePort = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> &
  Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;

export interface KeychainSecrets extends SecretStore {
  /** Whether a secret is stored under `name` (nothing is decrypted to say so). */
  has(name: string): boolean;
  /** Why nothing can be stored here (no OS keychain), or null when storing works. */
  unavailableReason(): string | null;
  /** Encrypts and saves `value` under `name`; throws when the OS offers no real encryption. */
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

/** The refusal where the OS offers no keychain; it names the way that works everywhere. */
export function keychainUnavailableReason(safeStorage: SafeStoragePort): string | null {
  if (!safeStorage.isEncryptionAvailable()) {
    return 'the OS keychain is not available to encrypt the token (Electron safeStorage says no encryption is available); set the token in an environment variable and name it with "tokenEnv" in nightshift.json instead';
  }
  if (safeStorage.getSelectedStorageBackend?.() === 'basic_text') {
    return 'no OS keychain was found (Linux without a keyring: libsecret or KWallet), and safeStorage would store the token in plaintext in disguise; set the token in an environment variable and name it with "tokenEnv" in nightshift.json instead';
  }
  return null;
}

/** Reads the encrypted file once (async, at start); decrypts a secret only when a request needs it. */
export async function openKeychainSecrets(file: string, safeStorage: SafeStoragePort): Promise<KeychainSecrets> {
  const sealed = await readSealed(file);

  const save = () => writePrivateFile(file, `${JSON.stringify(Object.fromEntries(sealed), null, 2)}\n`);

  return {
    get(name) {
      const blob = sealed.get(name);
      if (blob === undefined || !safeStorage.isEncryptionAvailable()) return undefined;
      try {
        return safeStorage.decryptString(Buffer.from(blob, 'base64'));
      } catch {
        return undefined; // sealed by another user or machine: as good as absent
      }
    },
    has: (name) => sealed.has(name),
    unavailableReason: () => keychainUnavailableReason(safeStorage),
    async set(name, value) {
      const refusal = keychainUnavailableReason(safeStorage);
      if (refusal) throw new Error(refusal);
      sealed.set(name, safeStorage.encryptString(value).toString('base64'));
      await save();
    },
    async delete(name) {
      if (sealed.delete(name)) await save();
    },
  };
}

async function readSealed(file: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  const raw: unknown = JSON.parse(text);
  const map = new Map<string, string>();
  if (raw && typeof raw === 'object') {
    for (const [name, value] of Object.entries(raw)) if (typeof value === 'string') map.set(name, value);
  }
  return map;
}
