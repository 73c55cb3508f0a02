/**
 * A stand-in for Electron's safeStorage that really encrypts (AES-256-GCM
 * under a key only this object holds), on a chosen Linux backend — typed
 * against electron.d.ts's SafeStorage, so the store under test sees exactly
 * the methods the real one has. `basic_text` plays Linux without a keyring.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SafeStorage } from 'electron';

export type SealingPort = Pick<
  SafeStorage,
  'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'
>;
type Backend = ReturnType<SafeStorage['getSelectedStorageBackend']>;

export class SealingSafeStorage implements SealingPort {
  private readonly key = randomBytes(32);
  constructor(private readonly backend: Backend = 'gnome_libsecret') {}
  isEncryptionAvailable(): boolean {
    return true;
  }
  encryptString(plainText: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }
  decryptString(encrypted: Buffer): string {
    const decipher = createDecipheriv('aes-256-gcm', this.key, encrypted.subarray(0, 12));
    decipher.setAuthTag(encrypted.subarray(12, 28));
    return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString('utf8');
  }
  getSelectedStorageBackend(): Backend {
    return this.backend;
  }
}
