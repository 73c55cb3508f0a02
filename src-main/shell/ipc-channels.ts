/**
 * IPC channel names, shared by the preload (renderer side) and shell/ipc.ts
 * (main side). Kept free of zod and Node so the sandboxed preload can bundle it.
 */
const PREFIX = 'nightshift';

export const requestChannel = (name: string): string => `${PREFIX}:request:${name}`;
export const eventChannel = (name: string): string => `${PREFIX}:event:${name}`;
/** The page sends this once it listens for events; main then flushes what it queued. */
export const READY_CHANNEL = `${PREFIX}:ready`;
