/**
 * A worker fixture for the dashboard specs: the REAL core (createCore) on a
 * temp data dir, running the fixture agent, with three daemons: `local`
 * (embedded queue "default", what the Tasks view adds to), `board` (embedded
 * queue "board": push-woken) and `remote` (an HTTP source polled on a short
 * timer against the fixture task server) — served by the real headless
 * dashboard server from a fresh renderer build.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test as base } from '@playwright/test';
import type { NightshiftCore } from '../../src-main/api/core-api';
import { createCore } from '../../src-main/api/create-core';
import { parseConfig } from '../../src-main/core/config';
import { type DashboardServer, startDashboardServer } from '../../src-main/headless/dashboard/server';
import { startTaskServer, type TaskServer } from '../../test/fixtures/task-server/server';
import { buildRenderer, REPO_ROOT } from './build-renderer';

export interface DashboardEnv {
  core: NightshiftCore;
  server: DashboardServer;
  taskServer: TaskServer;
  dataDir: string;
}

export const FAKE_AGENT = resolve(REPO_ROOT, 'test/fixtures/fake-agent.mjs');

/** Short timers so that "no more requests while paused" is visible within seconds. */
export const BOARD_POLL_MS = 300;
export const BOARD_QUEUE = 'board';
export const REMOTE_POLL_MS = 250;

export const test = base.extend<object, { dashboard: DashboardEnv }>({
  dashboard: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright requires the destructuring form
    async ({}, use, workerInfo) => {
      const rendererDir = await buildRenderer(resolve(REPO_ROOT, 'out', `e2e-renderer-${workerInfo.workerIndex}`));
      const dataDir = await mkdtemp(join(tmpdir(), 'ns-e2e-'));
      const taskServer = await startTaskServer({ mode: 'plain' });
      const agent = { kind: 'command', command: [process.execPath, FAKE_AGENT], promptVia: 'stdin' } as const;
      const { config } = parseConfig({
        daemons: [
          {
            name: 'local',
            source: { kind: 'local' },
            runtime: agent,
            maxConcurrent: 2,
            pollIntervalMs: 1_000,
            maxIdleBackoffMs: 5_000,
            jitter: false,
          },
          {
            name: 'board',
            source: { kind: 'local', queue: BOARD_QUEUE },
            runtime: agent,
            maxConcurrent: 1,
            pollIntervalMs: BOARD_POLL_MS,
            maxIdleBackoffMs: BOARD_POLL_MS * 2,
            jitter: false,
          },
          {
            name: 'remote',
            // Poll only (no SSE / long poll): every tick is a timer tick the specs can count.
            source: { kind: 'http', url: taskServer.url, push: [] },
            runtime: agent,
            maxConcurrent: 1,
            pollIntervalMs: REMOTE_POLL_MS,
            maxIdleBackoffMs: REMOTE_POLL_MS * 4,
            jitter: false,
          },
        ],
      });
      const core = await createCore({ dataDir, config });
      const server = await startDashboardServer({ core, rendererDir });
      await use({ core, server, taskServer, dataDir });
      await server.close();
      await core.stop({ agentGraceMs: 1_000 });
      await taskServer.close();
      await rm(dataDir, { recursive: true, force: true });
      await rm(rendererDir, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 60_000 },
  ],
});

export { expect } from '@playwright/test';
