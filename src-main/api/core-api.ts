/**
 * What a shell (Electron tray app, headless CLI) holds: a running core. The
 * shells never reach past this interface; views reach it only through the
 * contract's handlers.
 */

import type { CoreEventName, CoreEvents } from '../core/core-events';
import type { ApiHandlers } from './dispatch';

export interface NightshiftCore {
  /** Implements every contract request; hand these to dispatchRequest. */
  readonly handlers: ApiHandlers;
  /**
   * A daemon's source token changed where it is read from (the tray app's
   * keychain): use it now — retry after "unauthorized", reconnect push.
   */
  sourceCredentialsChanged(daemon: string): void;
  /** Subscribe to pushed events; returns the unsubscribe function. */
  on<E extends CoreEventName>(event: E, listener: (payload: CoreEvents[E]) => void): () => void;
  /**
   * Stops every loop, asks running agents to stop (SIGTERM, then SIGKILL after
   * `agentGraceMs`), leaves their sessions resumable, closes the database.
   */
  /** `releaseTasks`: a real quit gives remote tasks back; a restart (the default) keeps them to resume. */
  stop(options?: { agentGraceMs?: number; releaseTasks?: boolean }): Promise<void>;
}
