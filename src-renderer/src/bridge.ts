/**
 * The renderer's only way to the core: `window.nightshift` inside Electron
 * (the preload), or a WebSocket client in the headless dashboard. Both have
 * the shape of {@link NightshiftBridge}; the rest of the app never knows which.
 */

import { type ApiClient, createApiClient } from '@shared/api-client';
import type { NightshiftBridge } from '@shared/bridge-types';
import type { RequestName } from '@shared/contract';

export type Bridge = NightshiftBridge;

/** Typed calls that throw ApiCallError on an error reply, over any bridge. */
export function apiOver(bridge: Bridge): ApiClient {
  return createApiClient((name: RequestName, args: unknown) => bridge.invoke(name, args as never));
}
