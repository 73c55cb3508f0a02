/**
 * The shape of `window.nightshift`, the preload bridge, for the renderer to
 * import type-only (`import type { NightshiftBridge } from './bridge-types'`).
 *
 * It also carries the request and event names as plain string lists, because
 * the sandboxed preload must not bundle zod (it can only `require('electron')`).
 * The type checks below fail the build when these lists and the contract table
 * drift apart.
 */
import type { EventName, EventPayloads, RequestArgs, RequestName, RequestResult } from './contract';
import type { Reply } from './envelope';

export const BRIDGE_REQUEST_NAMES = [
  'getSnapshot',
  'pauseDaemon',
  'wakeDaemon',
  'pauseAll',
  'wakeAll',
  'getTicks',
  'listSessions',
  'getSessionEvents',
  'getSessionSpans',
  'listTasks',
  'getTask',
  'addTask',
  'cancelTask',
  'approveTask',
  'rejectTask',
  'getSettings',
  'setSettings',
  'resetDaemonTuning',
] as const satisfies readonly RequestName[];

export const BRIDGE_EVENT_NAMES = ['snapshot', 'tick', 'session', 'settings'] as const satisfies readonly EventName[];

// A contract entry missing from the lists above makes these `false`, and the assignments fail to compile.
type Missing<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : false;
const _everyRequestListed: Missing<RequestName, (typeof BRIDGE_REQUEST_NAMES)[number]> = true;
const _everyEventListed: Missing<EventName, (typeof BRIDGE_EVENT_NAMES)[number]> = true;
void _everyRequestListed;
void _everyEventListed;

/** A daemon whose source reads its token from the tray app's keychain (`tokenSecret`). */
export interface SourceTokenStatus {
  daemon: string;
  /** The keychain entry's name (`tokenSecret`); daemons naming the same entry share one token. */
  secretName: string;
  /** Whether a token is stored: the token itself never leaves the main process. */
  stored: boolean;
}

export interface SourceTokensState {
  /** Why no token can be stored on this machine (no OS keychain), or null. */
  keychainUnavailable: string | null;
  daemons: SourceTokenStatus[];
}

/**
 * The tray app's source tokens (shell/source-tokens.ts). Not part of the
 * contract: only the tray app has a keychain, so neither the dashboard's
 * WebSocket nor the control socket ever carries a token.
 */
export interface SourceTokensBridge {
  list(): Promise<Reply<SourceTokensState>>;
  /** Stores (or replaces) the token of `daemon`'s keychain entry; the reply carries only whether one is stored. */
  set(daemon: string, token: string): Promise<Reply<SourceTokensState>>;
  clear(daemon: string): Promise<Reply<SourceTokensState>>;
}

export interface NightshiftBridge {
  /** Sends one contract request; resolves with its reply envelope (never rejects for an API error). */
  invoke<K extends RequestName>(name: K, args: RequestArgs<K>): Promise<Reply<RequestResult<K>>>;
  /** Subscribes to a pushed event; returns the unsubscribe function (an effect's cleanup). */
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
  /** Present only in the tray app (the preload); the headless dashboard has no keychain. */
  sourceTokens?: SourceTokensBridge;
}

declare global {
  interface Window {
    /** Present only inside the Electron window (the headless dashboard uses the WebSocket bridge). */
    nightshift?: NightshiftBridge;
  }
}
