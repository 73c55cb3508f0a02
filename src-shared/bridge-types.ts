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

export interface NightshiftBridge {
  /** Sends one contract request; resolves with its reply envelope (never rejects for an API error). */
  invoke<K extends RequestName>(name: K, args: RequestArgs<K>): Promise<Reply<RequestResult<K>>>;
  /** Subscribes to a pushed event; returns the unsubscribe function (an effect's cleanup). */
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
}

declare global {
  interface Window {
    /** Present only inside the Electron window (the headless dashboard uses the WebSocket bridge). */
    nightshift?: NightshiftBridge;
  }
}
