/**
 * Builds `window.nightshift` from the contract's names over an ipcRenderer.
 * Pure of Electron (the renderer side is injected) so it is unit-tested, and
 * free of zod and Node so the sandboxed preload can bundle it. The page gets
 * `invoke`, `on` and (the tray app's keychain) `sourceTokens`; unknown names
 * are refused here, before any IPC.
 */
import { BRIDGE_EVENT_NAMES, BRIDGE_REQUEST_NAMES, type NightshiftBridge } from '@shared/bridge-types';
import { eventChannel, READY_CHANNEL, requestChannel, SOURCE_TOKEN_CHANNELS } from './ipc-channels';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

const requestNames: ReadonlySet<string> = new Set(BRIDGE_REQUEST_NAMES);
const eventNames: ReadonlySet<string> = new Set(BRIDGE_EVENT_NAMES);

export function createBridge(ipc: IpcRendererLike): NightshiftBridge {
  let readySent = false;
  const bridge = {
    invoke(name: string, args: unknown): Promise<unknown> {
      if (typeof name !== 'string' || !requestNames.has(name)) {
        return Promise.reject(new Error(`nightshift.invoke: unknown request "${String(name).slice(0, 80)}"`));
      }
      return ipc.invoke(requestChannel(name), args ?? {});
    },
    on(event: string, listener: (payload: unknown) => void): () => void {
      if (typeof event !== 'string' || !eventNames.has(event)) {
        throw new Error(`nightshift.on: unknown event "${String(event).slice(0, 80)}"`);
      }
      if (typeof listener !== 'function') throw new Error('nightshift.on: the listener must be a function');
      // Drop the IpcRendererEvent: it would hand the page a `sender` with ipcRenderer on it.
      const wrapped = (_event: unknown, payload: unknown) => listener(payload);
      ipc.on(eventChannel(event), wrapped);
      // The first subscription means the page is listening: main may flush what it queued.
      if (!readySent) {
        readySent = true;
        ipc.send(READY_CHANNEL);
      }
      return () => {
        ipc.removeListener(eventChannel(event), wrapped);
      };
    },
    // The tray app's keychain (shell/source-tokens.ts): main validates; replies say only whether a token is stored.
    sourceTokens: {
      list: () => ipc.invoke(SOURCE_TOKEN_CHANNELS.list, {}),
      set: (daemon: unknown, token: unknown) => ipc.invoke(SOURCE_TOKEN_CHANNELS.set, { daemon, token }),
      clear: (daemon: unknown) => ipc.invoke(SOURCE_TOKEN_CHANNELS.clear, { daemon }),
    },
  };
  return bridge as NightshiftBridge;
}
