/**
 * Secrets the core may need (a task server's bearer token) without ever
 * holding them on disk in plaintext. The tray app backs this with the OS
 * keychain (src-main/shell/secret-store.ts, Electron safeStorage); the CLI has
 * none and takes tokens from environment variables instead.
 */
export interface SecretStore {
  /** The secret stored under `name`, or undefined when there is none. */
  get(name: string): string | undefined;
}

export const noSecrets: SecretStore = { get: () => undefined };
