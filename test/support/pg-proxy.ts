/**
 * A loopback TCP front for the local PostgreSQL's unix socket: counts the
 * connections a source opens (failed logins included), and can play a server
 * outage — every connection cut, new ones closed at once or refused — and its
 * return, without restarting the shared cluster other test files use.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createConnection, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { PG_SOCKET_DIR } from './pg-socket';

export interface PgProxy {
  port: number;
  /** Connections accepted since start, including those refused while down. */
  readonly connections: number;
  /** Down: cuts every open connection and closes each new one at once. */
  setDown(down: boolean): void;
  /**
   * A stopped server: cuts every open connection and stops listening, so new
   * ones are refused (ECONNREFUSED); false listens again on the same port.
   */
  setRefusing(refusing: boolean): Promise<void>;
  /** A connection string for `database` as `user` through this proxy. */
  url(database: string, user: string): string;
  close(): Promise<void>;
}

export async function startPgProxy(socketPath = join(PG_SOCKET_DIR, '.s.PGSQL.5432')): Promise<PgProxy> {
  let connections = 0;
  let down = false;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    connections += 1;
    if (down) {
      client.destroy();
      return;
    }
    const upstream = createConnection(socketPath);
    open.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    port,
    get connections() {
      return connections;
    },
    setDown(value) {
      down = value;
      if (down) for (const socket of open) socket.destroy();
    },
    async setRefusing(refusing) {
      if (refusing) {
        const closed = once(server, 'close');
        server.close();
        for (const socket of open) socket.destroy();
        await closed;
      } else {
        server.listen(port, '127.0.0.1');
        await once(server, 'listening');
      }
    },
    url: (database, user) => `postgresql://${encodeURIComponent(user)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    async close() {
      for (const socket of open) socket.destroy();
      const closed = once(server, 'close');
      server.close();
      await closed;
    },
  };
}
