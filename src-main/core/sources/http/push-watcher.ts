/**
 * Runs the push channels in the configured order until one works: a channel
 * that reports "unsupported" hands over to the next; none left means plain
 * polling (pushHealthy stays false). Every change of health wakes the loop
 * once: on connect it may have missed events, on a drop it must re-plan with
 * its idle backoff at once.
 */

import type { Clock } from '../../clock';
import { errorMessage } from '../../errors';
import type { Logger } from '../../log';
import type { HttpTransport } from './http-transport';
import type { ChannelContext, PushChannel } from './push-channel';

export interface PushWatcherDeps {
  channels: { name: string; run: PushChannel }[];
  transport: HttpTransport;
  clock: Clock;
  random: () => number;
  logger: Logger;
  scope: string;
  onChange: () => void;
}

export class PushWatcher {
  private healthy = false;
  /** The channel now in use, or null before discovery finished / when none is supported. */
  private current: string | null = null;
  private readonly controller = new AbortController();
  /** Settles once every channel has stopped and released its sockets and timers. */
  readonly done: Promise<void>;

  constructor(private readonly deps: PushWatcherDeps) {
    this.done = this.run();
  }

  isHealthy(): boolean {
    return this.healthy;
  }

  channel(): string | null {
    return this.current;
  }

  stop(): void {
    this.healthy = false;
    this.controller.abort();
  }

  private async run(): Promise<void> {
    const { deps } = this;
    const ctx: ChannelContext = {
      transport: deps.transport,
      clock: deps.clock,
      random: deps.random,
      logger: deps.logger,
      scope: deps.scope,
      signal: this.controller.signal,
      wake: () => this.notify(),
      setHealthy: (healthy) => this.setHealthy(healthy),
      retryPause: (ms) => this.retryPause(ms),
    };
    for (const channel of deps.channels) {
      if (this.controller.signal.aborted) return;
      this.current = channel.name;
      let end: Awaited<ReturnType<PushChannel>>;
      try {
        end = await channel.run(ctx);
      } catch (err) {
        // A channel bug must not leave an unhandled rejection: fall back to polling.
        deps.logger.log('error', deps.scope, `push channel ${channel.name} failed: ${errorMessage(err)}`);
        end = 'unauthorized';
      }
      this.setHealthy(false);
      if (end !== 'unsupported') break;
      deps.logger.log('info', deps.scope, `server has no ${channel.name}; trying the next push channel`);
    }
    this.current = null;
    if (!this.controller.signal.aborted) deps.logger.log('info', deps.scope, 'no push channel: polling only');
  }

  private retryPause(ms: number): Promise<'elapsed' | 'server_back' | 'stopped'> {
    const { signal } = this.controller;
    if (signal.aborted) return Promise.resolve('stopped');
    return new Promise((resolve) => {
      const finish = (why: 'elapsed' | 'server_back' | 'stopped') => {
        cancelTimer();
        stopListening();
        signal.removeEventListener('abort', onAbort);
        resolve(why);
      };
      const onAbort = () => finish('stopped');
      const cancelTimer = this.deps.clock.setTimer(() => finish('elapsed'), ms);
      const stopListening = this.deps.transport.onServerAnswered(() => finish('server_back'));
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private setHealthy(healthy: boolean): void {
    if (this.controller.signal.aborted || healthy === this.healthy) return;
    this.healthy = healthy;
    this.notify();
  }

  private notify(): void {
    if (this.controller.signal.aborted) return;
    try {
      this.deps.onChange();
    } catch (err) {
      this.deps.logger.log('error', this.deps.scope, `onChange threw: ${errorMessage(err)}`);
    }
  }
}
