/**
 * How long a push channel keeps retrying a refused connection on its short
 * (~1 s) delay. A refused connection means nothing listens on the port: the
 * server is restarting or deploying, the attempt costs it nothing, and a short
 * delay brings push back within about a second of its return. But a server
 * that stays down for hours does not need thousands of attempts and log lines an
 * hour from every laptop: after this window of refusals in a row, the
 * channel's ordinary growing backoff (up to a minute) takes over.
 */
export const FAST_REFUSED_WINDOW_MS = 10 * 60_000;

export class RefusedStreak {
  private since: number | null = null;

  constructor(private readonly now: () => number) {}

  /** Records one more refusal; true while the streak is young enough for the short delay. */
  refused(): boolean {
    this.since ??= this.now();
    return this.now() - this.since < FAST_REFUSED_WINDOW_MS;
  }

  /** Any other outcome (a connection, another kind of failure) ends the streak. */
  reset(): void {
    this.since = null;
  }
}

/**
 * Failures in a row worth a log line: the 1st, 2nd, 4th, 8th… so an outage
 * of a day leaves a handful of lines, not one per retry.
 */
export function worthLogging(failuresInRow: number): boolean {
  return failuresInRow > 0 && (failuresInRow & (failuresInRow - 1)) === 0;
}
