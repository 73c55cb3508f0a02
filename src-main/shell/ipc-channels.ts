/**
 * IPC channel names, shared by the preload (renderer side) and shell/ipc.ts
 * (main side). Kept free of zod and Node so the sandboxed preload can bundle it.
 */
const PREFIX = 'nightshift';

export const requestChannel = (name: string): string => `${PREFIX}:request:${name}`;
export const eventChannel = (name: string): string => `${PREFIX}:event:${name}`;
/** The page sends this once it listens for events; main then flushes what it queued. */
export const READY_CHANNEL = `${PREFIX}:ready`;

/** The tray app's source tokens (shell/source-tokens.ts): not contract requests, since only the tray has a keychain. */
export const SOURCE_TOKEN_CHANNELS = {
  list: `${PREFIX}:source-tokens:list`,
  set: `${PREFIX}:source-tokens:set`,
  clear: `${PREFIX}:source-tokens:clear`,
} as const;
