/**
 * `--version` (and, where the CLI can tell offline, its login) on a TTL, and
 * before every environment probe: an unavailable runtime is an environment
 * failure like one seen in a run, paused and probed on the same backoff.
 */
import { errorMessage } from '../errors';
import type { Availability } from '../runtimes/port';
import type { LoopContext } from './context';

const DEFAULT_TTL_MS = 5 * 60_000;

export class AvailabilityCheck {
  /** The last answer; null before the first check. */
  current: Availability | null = null;
  private checkedAt = -Infinity;

  constructor(
    private readonly ctx: LoopContext,
    private readonly ttlMs = DEFAULT_TTL_MS,
  ) {}

  /** Check again at the next refresh (a wake means "try the runtime again now"). */
  expire(): void {
    this.checkedAt = -Infinity;
  }

  async refresh(now: number): Promise<void> {
    const { ctx } = this;
    const pause = ctx.state.runtimePause(ctx.pauseKey);
    const probeDue = pause?.kind === 'environment' && pause.pausedUntil <= now && !pause.probing;
    const ttlOver = now - this.checkedAt >= this.ttlMs;
    if (!ttlOver && !probeDue) return;
    if (pause?.kind === 'environment' && pause.pausedUntil > now) return; // not before the next probe
    this.checkedAt = now;
    try {
      this.current = await ctx.runtime.checkAvailability();
    } catch (err) {
      this.current = { available: false, reason: errorMessage(err) };
    }
    if (this.current.available) return;
    const after = ctx.state.pauseForEnvironment(ctx.pauseKey, ctx.clock.now(), this.current.reason, ctx.probeBackoff);
    if (pause?.kind !== 'environment' || pause.reason !== after.reason) {
      ctx.notice({
        kind: 'runtime_unavailable',
        title: `${ctx.runtime.name} cannot run: ${after.reason}`,
        body: `Tasks wait in the queue. Next check at ${new Date(after.pausedUntil).toLocaleTimeString()}`,
      });
    }
  }
}
