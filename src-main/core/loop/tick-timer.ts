/**
 * When the next tick runs: one pending timer, and at most one tick at a
 * time. A tick that comes due while one is running is not dropped: it runs
 * right after (through `onAgain`, which decides whether ticking is still
 * wanted), so bursts of wakes coalesce into one more tick.
 */
import type { Clock } from '../clock';

export class TickTimer {
  /** Epoch ms the pending tick is due; null while none is scheduled. */
  nextAt: number | null = null;
  private cancel: (() => void) | null = null;
  private ticking: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly clock: Clock,
    private readonly tick: () => Promise<void>,
    private readonly onAgain: () => void,
  ) {}

  schedule(delayMs: number): void {
    this.clear();
    this.nextAt = this.clock.now() + delayMs;
    this.cancel = this.clock.setTimer(() => {
      this.cancel = null;
      this.fire();
    }, delayMs);
  }

  clear(): void {
    this.cancel?.();
    this.cancel = null;
    this.nextAt = null;
  }

  /** Resolves once the tick in progress (if any) has finished. */
  async idle(): Promise<void> {
    await this.ticking;
  }

  private fire(): void {
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = this.tick().finally(() => {
      this.ticking = null;
      if (this.again) {
        this.again = false;
        this.onAgain();
      }
    });
  }
}
