/**
 * Whether a daemon's push channel is up, and since when it is down. Sampled
 * on every wake (each health change wakes the loop) and at each tick.
 */
import type { PushView } from '@shared/snapshot';
import type { Clock } from '../clock';
import type { TaskSource } from '../sources/port';

export class PushHealth {
  private downSince: number | null = null;

  constructor(
    private readonly source: TaskSource,
    private readonly clock: Clock,
  ) {}

  /** The loop starts: push counts as down until the source says it is up. */
  start(): void {
    this.downSince = this.clock.now();
  }

  sample(): void {
    const healthy = this.source.pushHealthy?.() === true;
    if (healthy) this.downSince = null;
    else this.downSince ??= this.clock.now();
  }

  /** Push health of a running loop's source; null when it only polls. */
  view(running: boolean): PushView | null {
    if (!this.source.pushHealthy || !running) return null;
    // A source that only polls has no push to be down: say nothing rather than "down since start".
    if (this.source.pushChannel?.() === null) return null;
    this.sample();
    return { connected: this.downSince === null, downSince: this.downSince };
  }
}
