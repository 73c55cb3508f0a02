/** What a push channel (event stream, long poll) gets from the watcher that runs it. */

import type { Clock } from '../../clock';
import type { Logger } from '../../log';
import type { HttpTransport } from './http-transport';

/** Why a channel stopped: the server lacks it (try the next one), we stopped it, or the token was refused. */
export type ChannelEnd = 'unsupported' | 'stopped' | 'unauthorized';

export interface ChannelContext {
  transport: HttpTransport;
  clock: Clock;
  random: () => number;
  logger: Logger;
  scope: string;
  signal: AbortSignal;
  /** A claimable task may exist: the loop should tick now. */
  wake(): void;
  /** The channel is (or is no longer) delivering; the watcher wakes the loop on every change. */
  setHealthy(healthy: boolean): void;
  /**
   * Waits out a reconnect backoff of `ms`, but ends early ('server_back') as
   * soon as another request to the server succeeds: after an outage push
   * comes back with the server, not a growing delay later.
   */
  retryPause(ms: number): Promise<'elapsed' | 'server_back' | 'stopped'>;
}

export type PushChannel = (ctx: ChannelContext) => Promise<ChannelEnd>;

/** Reconnect/retry delays: 1 s doubling to a minute (the server's `retry:` raises the base). */
export const RECONNECT_BASE_MS = 1_000;
export const RECONNECT_CAP_MS = 60_000;
