/**
 * The keychain store on a real file, with a safeStorage that encrypts for
 * real (AES-256-GCM under a key only the test holds) in place of the OS's:
 * the file never holds the token, a round trip gives it back, and a keyring
 * that is plaintext in disguise (Linux "basic_text") is refused for storing.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openKeychainSecrets, type SafeStoragePort, SECRETS_FILE_NAME } from './keychain-secrets';

function aesSafeStorage(backend: 'gnome_libsecret' | 'basic_text' = 'gnome_libsecret'): SafeStoragePort {
  const key = randomBytes(32);
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptString(sealed) {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-keychain-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('keychain secrets', () => {
  it('stores the token encrypted (0600, never in plaintext) and reads it back after a restart', async () => {
    const file = join(dir, SECRETS_FILE_NAME);
    const safe = aesSafeStorage();
    const store = await openKeychainSecrets(file, safe);
    await store.set('team', 'team-token-abc');
    expect(await readFile(file, 'utf8')).not.toContain('team-token-abc');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const reopened = await openKeychainSecrets(file, safe);
    expect(reopened.get('team')).toBe('team-token-abc');
    expect(reopened.get('other')).toBeUndefined();
    await reopened.delete('team');
    expect((await openKeychainSecrets(file, safe)).get('team')).toBeUndefined();
  });

  it('a file sealed under another key reads as absent, not as garbage', async () => {
    const file = join(dir, SECRETS_FILE_NAME);
    await (await openKeychainSecrets(file, aesSafeStorage())).set('team', 'x');
    expect((await openKeychainSecrets(file, aesSafeStorage())).get('team')).toBeUndefined();
  });

  it('refuses to store when the OS has no real keychain (Linux basic_text, or none at all)', async () => {
    const file = join(dir, SECRETS_FILE_NAME);
    const plainInDisguise = await openKeychainSecrets(file, aesSafeStorage('basic_text'));
    await expect(plainInDisguise.set('team', 'x')).rejects.toThrow(/no OS keychain.*tokenEnv/);
    const none = await openKeychainSecrets(file, { ...aesSafeStorage(), isEncryptionAvailable: () => false });
    await expect(none.set('team', 'x')).rejects.toThrow(/OS keychain is not available.*tokenEnv/);
  });
});
