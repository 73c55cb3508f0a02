import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiCallError } from '@shared/envelope';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { type DashboardServer, startDashboardServer } from '../../src-main/headless/dashboard/server';
import { apiOver } from '../../src-renderer/src/bridge';
import {
  createWebSocketBridge,
  dashboardSocketUrl,
  type SocketStatus,
  type WebSocketBridge,
} from '../../src-renderer/src/ws-bridge';
import { createFakeCore, fakeDaemon } from '../support/fake-core';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(port = 0) {
  const dir = await mkdtemp(join(tmpdir(), 'ns-wsb-'));
  const core = createFakeCore({ daemons: [fakeDaemon('local')] });
  const server = await startDashboardServer({ core, rendererDir: dir, port, token: 'test-token', snapshotThrottleMs: 0 });
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return { core, server };
}

function bridgeTo(server: DashboardServer, statuses: SocketStatus[] = [], onReconnect?: () => void): WebSocketBridge {
  const bridge = createWebSocketBridge({
    url: `ws://127.0.0.1:${server.port}/ws?token=${server.token}`,
    WebSocketImpl: NodeWebSocket as unknown as typeof WebSocket,
    onStatus: (s) => statuses.push(s),
    onReconnect,
    initialRetryMs: 20,
    maxRetryMs: 50,
  });
  cleanups.push(() => bridge.close());
  return bridge;
}

describe('dashboardSocketUrl', () => {
  it('carries the page token to the WebSocket endpoint', () => {
    expect(dashboardSocketUrl({ protocol: 'http:', host: '127.0.0.1:4321', search: '?token=a%2Fb_-c&x=1' })).toBe(
      'ws://127.0.0.1:4321/ws?token=a%2Fb_-c',
    );
  });
});

describe('WebSocket bridge against the real dashboard server', () => {
  it('queues calls made before the socket opens, and fails them if the bridge is closed first', async () => {
    const { server } = await serve();
    cleanups.push(() => server.close());
    const early = apiOver(bridgeTo(server));
    // Issued synchronously after construction: the socket is still connecting.
    expect((await early.getSnapshot({})).daemons[0]!.name).toBe('local');

    const refused = bridgeTo(server);
    const pending = refused.invoke('getSnapshot', {});
    refused.close();
    expect(await pending).toEqual({ error: { code: 'unavailable', message: 'bridge closed' } });
  });

  it('correlates concurrent requests with their replies and delivers events', async () => {
    const { core, server } = await serve();
    cleanups.push(() => server.close());
    const bridge = bridgeTo(server);
    const api = apiOver(bridge);
    const snapshots: unknown[] = [];
    bridge.on('snapshot', (s) => snapshots.push(s));

    const [snapshot, paused, settings] = await Promise.all([
      api.getSnapshot({}),
      api.pauseDaemon({ name: 'local' }),
      api.getSettings({}),
    ]);
    expect(snapshot.daemons[0]!.name).toBe('local');
    expect(paused.state).toBe('paused');
    expect(settings.daemons[0]!.pollIntervalMs).toBe(10_000);
    await expect(api.wakeDaemon({ name: 'ghost' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(api.getTicks({ daemon: 'local', since: -1 })).rejects.toBeInstanceOf(ApiCallError);
    await expect.poll(() => snapshots.length).toBeGreaterThan(0);
    expect(core.calls).toContain('pauseDaemon');
  });

  it('fails calls in flight when the server goes away, then reconnects with backoff and works again', async () => {
    const first = await serve();
    const statuses: SocketStatus[] = [];
    let reconnects = 0;
    const bridge = bridgeTo(first.server, statuses, () => reconnects++);
    const api = apiOver(bridge);
    await api.getSnapshot({});
    const port = first.server.port;

    // A handler that never answers keeps a call in flight across the shutdown.
    first.core.handlers.getSettings = () => new Promise(() => {});
    const pending = expect(api.getSettings({})).rejects.toMatchObject({ code: 'unavailable' });
    await new Promise((r) => setTimeout(r, 30));
    await first.server.close();
    await pending;

    const second = await serve(port);
    cleanups.push(() => second.server.close());
    await expect.poll(() => reconnects, { timeout: 5_000 }).toBe(1);
    expect((await api.getSnapshot({})).daemons).toHaveLength(1);
    expect(statuses[0]).toBe('connecting');
    expect(statuses).toContain('closed');
    expect(statuses.at(-1)).toBe('open');
  });
});

describe('a dashboard whose token was replaced', () => {
  it('stops reconnecting, fails its calls, and reports token_replaced', async () => {
    const { server } = await serve();
    cleanups.push(() => server.close());
    const statuses: SocketStatus[] = [];
    const bridge = bridgeTo(server, statuses);
    const api = apiOver(bridge);
    await api.getSnapshot({});
    const connects = () => statuses.filter((s) => s === 'connecting').length;

    expect(server.setToken('rotated-token')).toBe(1);
    await expect.poll(() => statuses.at(-1), { timeout: 5_000 }).toBe('token_replaced');
    // The retry delay is 20–50 ms here: after 300 ms an old-style bridge would have tried several times.
    await new Promise((r) => setTimeout(r, 300));
    expect(connects()).toBe(1);
    expect(statuses).not.toContain('closed');
    await expect(api.getSnapshot({})).rejects.toMatchObject({ code: 'unavailable' });
  });
});
