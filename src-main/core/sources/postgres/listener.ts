/**
 * The push half of the PostgreSQL source: one dedicated connection (not from
 * the pool — a pooled client would be handed to queries and lose its LISTEN)
 * that LISTENs on the schema's channel and wakes subscribers.
 *
 * When the connection drops (server restart, pg_terminate_backend, a laptop
 * waking from sleep) subscribers are called once so the loop falls back to its
 * idle backoff, and reconnects follow a jittered exponential backoff (a refused
 * connection is retried after about a second, not longer and longer); after a
 * reconnect subscribers are called again, because notifications sent while we
 * were away are lost and a tick must catch up.
 */
import pg from 'pg';
import type { Clock } from '../../clock';
import { errorMessage, isConnectionRefused } from '../../errors';
import type { Logger } from '../../log';
import { RefusedStreak, worthLogging } from '../refused-streak';
import { toSourceError } from './connection';
import { parseNotification } from './rows';

/** The reconnect ceiling after a refused connection (the delay is half of it to all of it). */
const REFUSED_RETRY_MS = 1_000;

export interface ListenerOptions {
  clientConfig: pg.ClientConfig;
  channel: string;
  queue: string;
  clock: Clock;
  logger: Logger;
  scope: string;
  /** Called for each statement sent on the listen connection (LISTEN and the rare keepalive ping). */
  countRequest(): void;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  /** A last-resort `SELECT 1` on the otherwise silent connection (TCP keepalive does the fast detection). */
  keepaliveMs: number;
  random: () => number;
  /** Runs before each connect (the migration that creates the trigger); a failure counts as a drop. */
  prepare(): Promise<void>;
}

export class TaskChannelListener {
  private readonly subscribers = new Set<() => void>();
  private client: pg.Client | null = null;
  private healthy = false;
  private failures = 0;
  /** Failures since the last good connection, for thinning the log. */
  private failuresInRow = 0;
  private readonly refusals: RefusedStreak;
  private cancelReconnect: (() => void) | null = null;
  private cancelKeepalive: (() => void) | null = null;
  private wakePending = false;
  /** A connect in flight: a second one must not start beside it. */
  private connecting = false;
  /**
   * The server refused our login: no retry on a timer, nor on the next good
   * query, until the loop subscribes anew (Wake, or a new configuration).
   */
  private refused = false;

  constructor(private readonly options: ListenerOptions) {
    this.refusals = new RefusedStreak(() => options.clock.now());
  }

  isHealthy(): boolean {
    return this.healthy;
  }

  subscribe(onChange: () => void): () => void {
    this.subscribers.add(onChange);
    if (this.subscribers.size === 1) {
      this.refused = false;
      this.failures = 0;
      void this.connect();
    }
    return () => {
      this.subscribers.delete(onChange);
      if (this.subscribers.size === 0) void this.close();
    };
  }

  /**
   * Another request to the server just succeeded: the server is back, so a
   * LISTEN connection waiting out its backoff is re-made now instead of when
   * its backoff ends.
   */
  serverAnswered(): void {
    if (this.healthy || this.connecting || this.refused || this.subscribers.size === 0) return;
    this.cancelReconnect?.();
    this.failures = 0;
    void this.connect();
  }

  async close(): Promise<void> {
    this.subscribers.clear();
    this.cancelReconnect?.();
    this.cancelReconnect = null;
    this.cancelKeepalive?.();
    this.cancelKeepalive = null;
    this.healthy = false;
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    this.cancelReconnect = null;
    if (this.subscribers.size === 0 || this.connecting) return;
    this.connecting = true;
    try {
      await this.connectOnce();
    } finally {
      this.connecting = false;
    }
  }

  private async connectOnce(): Promise<void> {
    const { clientConfig, channel, logger, scope } = this.options;
    const client = new pg.Client({
      ...clientConfig,
      // TCP keepalive finds a silently dead connection within minutes without a
      // single SQL statement; the rare SELECT 1 is only a last check.
      keepAlive: true,
      keepAliveInitialDelayMillis: 30_000,
      query_timeout: 30_000,
      application_name: 'nightshift-listen',
    });
    this.client = client;
    client.on('error', (err) => this.dropped(client, err));
    client.on('end', () => this.dropped(client, new Error('connection ended')));
    client.on('notification', (msg) => this.onNotification(msg));
    try {
      await this.options.prepare();
      await client.connect();
      this.options.countRequest();
      await client.query(`LISTEN "${channel}"`);
    } catch (err) {
      this.dropped(client, err);
      return;
    }
    if (this.client !== client) return; // closed or dropped meanwhile
    this.healthy = true;
    this.failures = 0;
    this.failuresInRow = 0;
    this.refusals.reset();
    logger.log('info', scope, `listening on "${channel}"`);
    this.scheduleKeepalive(client);
    this.wake();
  }

  private dropped(client: pg.Client, err: unknown): void {
    if (this.client !== client) return; // an old connection's late 'end'
    this.client = null;
    client.end().catch(() => {});
    this.cancelKeepalive?.();
    this.cancelKeepalive = null;
    const { logger, scope } = this.options;
    const wasHealthy = this.healthy;
    this.healthy = false;
    if (this.subscribers.size === 0) return;
    if (toSourceError(err, 'LISTEN').kind === 'unauthorized') {
      // A refused login is not retried on a timer (that made thousands of failed
      // logins a day): the loop's own query fails the same way and stops the daemon.
      this.refused = true;
      logger.log('warn', scope, `LISTEN login refused (${errorMessage(err)}); not retrying until Wake or a new configuration`);
      this.wake();
      return;
    }
    const { reconnectBaseMs, reconnectMaxMs, random, clock } = this.options;
    // A refused connection (the server is down or starting) costs it nothing: retry at a fixed
    // ~1 s, so LISTEN is back within about a second of the server's return, for as long as
    // FAST_REFUSED_WINDOW_MS; after that (a server down for hours) the growing backoff.
    let refused = false;
    if (isConnectionRefused(err)) refused = this.refusals.refused();
    else this.refusals.reset();
    // Half fixed, half random: never a hot loop, never a fleet reconnecting in lockstep.
    const ceiling = refused
      ? Math.max(reconnectBaseMs, REFUSED_RETRY_MS)
      : Math.min(reconnectMaxMs, reconnectBaseMs * 2 ** this.failures);
    const delay = Math.round(ceiling / 2 + (random() * ceiling) / 2);
    if (!refused) this.failures++;
    this.failuresInRow += 1;
    if (worthLogging(this.failuresInRow))
      logger.log('warn', scope, `LISTEN connection lost (${errorMessage(err)}); reconnecting in ${delay} ms`);
    this.cancelReconnect = clock.setTimer(() => void this.connect(), delay);
    if (wasHealthy) this.wake();
  }

  private scheduleKeepalive(client: pg.Client): void {
    this.cancelKeepalive = this.options.clock.setTimer(() => {
      if (this.client !== client) return;
      this.options.countRequest();
      client.query('SELECT 1').then(
        () => {
          if (this.client === client) this.scheduleKeepalive(client);
        },
        (err) => this.dropped(client, err),
      );
    }, this.options.keepaliveMs);
  }

  private onNotification(msg: pg.Notification): void {
    if (msg.channel !== this.options.channel) return;
    const note = parseNotification(msg.payload);
    // A payload we don't understand (a hand-written NOTIFY) still wakes us: a spare tick is cheap.
    if (note && note.queue !== this.options.queue) return;
    this.wake();
  }

  /**
   * Calls the subscribers (once, however often this runs in one turn: the
   * notifications parsed from one network read arrive synchronously).
   */
  wake(): void {
    if (this.wakePending) return;
    this.wakePending = true;
    queueMicrotask(() => {
      this.wakePending = false;
      for (const fn of [...this.subscribers]) {
        try {
          fn();
        } catch (err) {
          this.options.logger.log('error', this.options.scope, `watch callback threw: ${errorMessage(err)}`);
        }
      }
    });
  }
}
