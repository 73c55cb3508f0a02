/**
 * A second worker fixture for the view specs (e2e/dashboard-views.spec.ts):
 * the REAL core and dashboard server, with daemons chosen for what the views
 * must show — `quiet` (paused by its config: no tick ever, the first-open
 * case), `pushed` (an HTTP source with a live SSE push channel and a 1 s
 * reconcile poll), `polled` (the same server, polling only) and `lanes`
 * (a local queue with three slots, for the pool lanes).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test as base } from '@playwright/test';
import { createCore } from '../../src-main/api/create-core';
import { parseConfig } from '../../src-main/core/config';
import { startDashboardServer } from '../../src-main/headless/dashboard/server';
import { startTaskServer } from '../../test/fixtures/task-server/server';
import { buildRenderer, REPO_ROOT } from './build-renderer';
import { type DashboardEnv, FAKE_AGENT } from './dashboard-fixture';

export const QUIET_POLL_MS = 60_000;
export const PUSHED_POLL_MS = 500;
export const LANES_QUEUE = 'lanes';

export const test = base.extend<object, { views: DashboardEnv }>({
  views: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright requires the destructuring form
    async ({}, use, workerInfo) => {
      const rendererDir = await buildRenderer(resolve(REPO_ROOT, 'out', `e2e-views-renderer-${workerInfo.workerIndex}`));
      const dataDir = await mkdtemp(join(tmpdir(), 'ns-e2e-views-'));
      // A short SSE retry so that a dropped stream reconnects within the spec.
      const taskServer = await startTaskServer({ mode: 'sse', sseRetryMs: 200, sseKeepaliveMs: 1_000 });
      const agent = { kind: 'command', command: [process.execPath, FAKE_AGENT], promptVia: 'stdin' } as const;
      const { config } = parseConfig({
        daemons: [
          {
            name: 'quiet',
            source: { kind: 'local', queue: 'quiet' },
            runtime: agent,
            paused: true,
            pollIntervalMs: QUIET_POLL_MS,
            maxIdleBackoffMs: QUIET_POLL_MS * 2,
            jitter: false,
          },
          {
            name: 'pushed',
            source: { kind: 'http', url: taskServer.url, push: ['sse'], reconcileIntervalMs: 1_000 },
            runtime: agent,
            maxConcurrent: 1,
            pollIntervalMs: PUSHED_POLL_MS,
            maxIdleBackoffMs: PUSHED_POLL_MS * 4,
            jitter: false,
          },
          {
            name: 'polled',
            source: { kind: 'http', url: taskServer.url, push: [] },
            runtime: agent,
            maxConcurrent: 1,
            pollIntervalMs: 300,
            maxIdleBackoffMs: 1_200,
            jitter: false,
          },
          {
            name: 'lanes',
            source: { kind: 'local', queue: LANES_QUEUE },
            // The fixture agent prints this for a `ratelimit=<epoch s>` directive.
            runtime: { ...agent, rateLimitPattern: 'RATE LIMITED until reset=(?<reset>\\S+)' },
            maxConcurrent: 3,
            pollIntervalMs: 1_000,
            maxIdleBackoffMs: 4_000,
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
