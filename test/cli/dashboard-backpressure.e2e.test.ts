/**
 * A dashboard client that keeps asking without reading its replies cannot
 * make the runner buffer without bound: the real `nightshift run --dashboard`
 * (a child process whose RSS is measured from /proc), a list holding a
 * ~1 MB task asked for in full (`getTask`; lists carry only a 2 KB preview),
 * and a client whose socket is paused sending requests for 10 s.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  assertBuilt,
  cliJson,
  cliOk,
  killIfRunning,
  type RunningInstance,
  startRun,
  tempDir,
  waitFor,
  writeFixtureConfig,
} from './harness';

let dir: string;
let instance: RunningInstance | null = null;
beforeAll(() => assertBuilt());
afterEach(async () => {
  killIfRunning(instance);
  instance = null;
  await rm(dir, { recursive: true, force: true });
});

function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return kb / 1024;
}

describe.skipIf(process.platform !== 'linux')('dashboard backpressure (real runner)', () => {
  it('a paused client sending requests for 10 s: RSS stays under 200 MB, it is closed, the loops keep ticking', async () => {
    dir = await tempDir('bp');
    const dataDir = join(dir, 'data');
    const config = await writeFixtureConfig(dir, { agentLog: join(dir, 'agents.jsonl'), maxConcurrent: 1 });
    const bigId = (
      await cliOk(['task', 'add', '--data-dir', dataDir, '--title', 'big', '-'], { input: `sleep=10 ${'y'.repeat(999_000)}` })
    ).trim();
    instance = await startRun(['--config', config, '--data-dir', dataDir, '--dashboard']);
    const pid = instance.child.pid!;
    await waitFor(() => /dashboard: http/.test(instance!.stdout()), 10_000, 'the dashboard URL');
    const url = new URL(/dashboard: (\S+)/.exec(instance.stdout())![1]!);
    const token = url.searchParams.get('token') ?? new URLSearchParams(url.hash.slice(1)).get('token');
    const wsUrl = `ws://${url.host}/ws?token=${token}`;
    const origin = `http://${url.host}`;

    const ws = new WebSocket(wsUrl, { origin });
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    ws.on('error', () => {});
    let closedByServer = false;
    ws.on('close', () => {
      closedByServer = true;
    });
    ws.pause(); // stops reading: the server's replies pile up on its side
    const started = Date.now();
    let peak = rssMb(pid);
    let sent = 0;
    let added: Promise<string> | null = null;
    while (Date.now() - started < 10_000) {
      // Halfway through, a task queued through the control socket must still be picked up and run.
      if (!added && Date.now() - started > 5_000)
        added = cliOk(['task', 'add', '--data-dir', dataDir, '--title', 'during', 'sleep=10']);
      if (ws.readyState === ws.OPEN) {
        for (let i = 0; i < 20; i++)
          ws.send(JSON.stringify({ type: 'request', id: sent++, name: 'getTask', args: { id: bigId } }));
      }
      await new Promise((r) => setTimeout(r, 50));
      peak = Math.max(peak, rssMb(pid));
    }
    console.log(`sent ${sent} requests; runner RSS peak ${peak.toFixed(0)} MB`);
    // Each reply carries the ~1 MB task: a dozen unread ones pass the 8 MiB bound.
    expect(sent).toBeGreaterThan(100);
    expect(peak).toBeLessThan(200);
    ws.resume();
    await waitFor(() => closedByServer, 10_000, 'the server to close the client');

    // The runner kept working through it: a fresh client is served, the task queued during the storm ran.
    const reader = new WebSocket(wsUrl, { origin });
    const reply = await new Promise<{ result: { at: number }[] }>((resolve, reject) => {
      reader.on('open', () =>
        reader.send(JSON.stringify({ type: 'request', id: 1, name: 'getTicks', args: { daemon: 'local', since: started } })),
      );
      reader.on('message', (data) => {
        const message = JSON.parse(data.toString());
        if (message.type === 'reply') resolve(message);
      });
      reader.on('error', reject);
    });
    reader.close();
    expect(Array.isArray(reply.result)).toBe(true);
    await added;
    await waitFor(
      async () =>
        (await cliJson<{ title: string; status: string }[]>(['tasks', '--data-dir', dataDir])).some(
          (t) => t.title === 'during' && t.status === 'done',
        ),
      20_000,
      'the task queued during the storm to be done',
    );
  }, 90_000);
});
