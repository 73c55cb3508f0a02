/**
 * The source traffic that runs beside the tick: the push channel (a source's
 * `watch`) and lease renewals. Connected while the loop runs; cut on
 * "unauthorized" (no login is retried in the background) and at a halt.
 */
import type { LoopContext } from './context';
import { type LeaseHeartbeat, startLeaseHeartbeat } from './lease-heartbeat';

export class SourceLink {
  private unwatch: (() => void) | null = null;
  private heartbeat: LeaseHeartbeat | null = null;

  constructor(
    private readonly ctx: LoopContext,
    private readonly onPush: () => void,
  ) {}

  /** Connects what is not connected yet. */
  connect(): void {
    this.unwatch ??= this.ctx.source.watch?.(this.onPush) ?? null;
    this.heartbeat ??= startLeaseHeartbeat(this.ctx);
  }

  disconnect(): void {
    this.heartbeat?.stop();
    this.heartbeat = null;
    this.unwatch?.();
    this.unwatch = null;
  }

  /** Work just started: renew leases on the new schedule. */
  rearmHeartbeat(): void {
    this.heartbeat?.rearm();
  }
}
