/**
 * A dashboard client that keeps asking without reading its replies cannot
 * make the runner buffer without bound: the real `nightshift run --dashboard`
 * (a child process whose RSS is measured from /proc), a list holding a
 * ~1 MB task, and a client whose socket is paused sending requests for
 * 10 s: asking for the task in full (`getTask`), and listing the tasks (the
 * issue's case: lists carry a 2 KB preview of each).
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

interface Storm {
  peakMb: number;
  sent: number;
  started: number;
  closedByServer: () => boolean;
  /** Ticks the runner recorded from the storm's start on. */
  ticks(): Promise<{ at: number; dispatched: number }[]>;
  wsUrl: string;
  origin: string;
  dataDir: string;
}

/**
 * Starts a real `nightshift run --dashboard` holding a ~1 MB task, connects a
 * client that stops reading, and sends `request(bigId)` 20 times every 50 ms
 * for 10 s, measuring the runner's RSS from /proc. Three seconds in, a task is
 * queued through the control socket; the storm returns once it is done.
 */
async function pausedClientStorm(request: (bigId: string) => { name: string; args: object }): Promise<Storm> {
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
    // Three seconds in, a task queued through the control socket must still be picked up and run.
    if (!added && Date.now() - started > 3_000)
      added = cliOk(['task', 'add', '--data-dir', dataDir, '--title', 'during', 'sleep=10']);
    if (ws.readyState === ws.OPEN) {
      const { name, args } = request(bigId);
      for (let i = 0; i < 20; i++) ws.send(JSON.stringify({ type: 'request', id: sent++, name, args }));
    }
    await new Promise((r) => setTimeout(r, 50));
    peak = Math.max(peak, rssMb(pid));
  }
  ws.resume();
  await added;
  await waitFor(
    async () =>
      (await cliJson<{ title: string; status: string }[]>(['tasks', '--data-dir', dataDir])).some(
        (t) => t.title === 'during' && t.status === 'done',
      ),
    20_000,
    'the task queued during the storm to be done',
  );
  const ticks = async () => {
    // A fresh client is served after the storm: the runner kept working through it.
    const reader = new WebSocket(wsUrl, { origin });
    const reply = await new Promise<{ result: { at: number; dispatched: number }[] }>((resolve, reject) => {
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
    return reply.result;
  };
  return { peakMb: peak, sent, started, closedByServer: () => closedByServer, ticks, wsUrl, origin, dataDir };
}

describe.skipIf(process.platform !== 'linux')('dashboard backpressure (real runner)', () => {
  it('a paused client asking for the 1 MB task for 10 s: RSS stays under 200 MB, it is closed, the loops keep ticking', async () => {
    const storm = await pausedClientStorm((bigId) => ({ name: 'getTask', args: { id: bigId } }));
    console.log(`getTask storm: sent ${storm.sent} requests; runner RSS peak ${storm.peakMb.toFixed(0)} MB`);
    // Each reply carries the ~1 MB task: a dozen unread ones pass the 8 MiB bound.
    expect(storm.sent).toBeGreaterThan(100);
    expect(storm.peakMb).toBeLessThan(200);
    await waitFor(storm.closedByServer, 10_000, 'the server to close the client');
    const ticks = await storm.ticks();
    expect(ticks.some((t) => t.dispatched > 0 && t.at >= storm.started)).toBe(true);
  }, 90_000);

  it('a paused client listing tasks (a 1 MB task among them) for 10 s: RSS stays under 200 MB, the loops keep ticking', async () => {
    const storm = await pausedClientStorm(() => ({ name: 'listTasks', args: {} }));
    console.log(`listTasks storm: sent ${storm.sent} requests; runner RSS peak ${storm.peakMb.toFixed(0)} MB`);
    expect(storm.sent).toBeGreaterThan(100);
    expect(storm.peakMb).toBeLessThan(200);
    // Ticks during the storm: the task queued 3 s in was claimed and started by a tick inside the 10 s.
    const ticks = await storm.ticks();
    expect(ticks.some((t) => t.dispatched > 0 && t.at >= storm.started + 3_000 && t.at <= storm.started + 10_000)).toBe(true);
  }, 90_000);
});
