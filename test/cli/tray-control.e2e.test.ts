/**
 * Issue 10: the CLI is the tray app's scripting interface. The tray app's core
 * is started exactly as the tray app starts it (startAppCore: the data dir's
 * lock, its nightshift.json, the core, the control socket with its secret);
 * the real `nightshift` bin, in child processes, then controls it.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Snapshot } from '@shared/snapshot';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src-main/core/log';
import { type AppCore, startAppCore } from '../../src-main/shell/app-core';
import { assertBuilt, cli, cliJson, cliOk, FAKE_AGENT, tempDir, waitFor } from './harness';

let dir: string;
let dataDir: string;
let tray: AppCore | null = null;

beforeAll(() => assertBuilt());
beforeEach(async () => {
  dir = await tempDir('tray');
  dataDir = join(dir, 'data');
  await mkdir(dataDir, { recursive: true });
  await writeFile(
    join(dataDir, 'nightshift.json'),
    JSON.stringify({
      daemons: [
        {
          name: 'local',
          source: { kind: 'local', queue: 'default' },
          runtime: { kind: 'command', command: [process.execPath, FAKE_AGENT], promptVia: 'stdin' },
          maxConcurrent: 1,
          pollIntervalMs: 200,
        },
      ],
    }),
  );
  tray = await startAppCore({ dataDir, logger: silentLogger });
});
afterEach(async () => {
  if (tray) {
    await tray.closeControl();
    await tray.core.stop({ agentGraceMs: 500 });
    tray.releaseLock();
    tray = null;
  }
  await rm(dir, { recursive: true, force: true });
});

describe('nightshift CLI against a running tray app', () => {
  it('status, pause, wake and task add reach the live core, not the database', async () => {
    const core = tray!.core;
    const status = await cli(['status', '--json', '--data-dir', dataDir]);
    expect(status.code).toBe(0);
    expect(status.stderr).not.toMatch(/working on its database directly/);
    expect((JSON.parse(status.stdout) as Snapshot).daemons.map((d) => d.name)).toEqual(['local']);

    await cliOk(['pause', 'local', '--data-dir', dataDir]);
    expect((await core.handlers.getSnapshot({})).daemons[0]!.paused).toBe(true);
    const id = (await cliOk(['task', 'add', 'from the CLI sleep=10', '--data-dir', dataDir])).trim();
    // Paused: queued, not started.
    expect((await core.handlers.listTasks({})).find((t) => t.id === id)?.status).toBe('todo');
    await cliOk(['wake', 'local', '--data-dir', dataDir]);
    expect((await core.handlers.getSnapshot({})).daemons[0]!.paused).toBe(false);
    await waitFor(
      async () => (await core.handlers.listTasks({})).find((t) => t.id === id)?.status === 'done',
      20_000,
      'the task run by the tray core',
    );
    const snapshot = await cliJson<Snapshot>(['status', '--data-dir', dataDir]);
    expect(snapshot.daemons[0]!.paused).toBe(false);
  });

  it('a `nightshift run` on the same data dir is refused: one lock for both', async () => {
    const second = await cli(['run', '--agent', `node ${FAKE_AGENT}`, '--data-dir', dataDir]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/another nightshift process \(the tray app or "nightshift run"\) is using the data dir/);
  });
});
