/**
 * Issue 13, "one instance per data dir, atomically", with real processes: 50
 * rounds of two `nightshift run` started together on a data dir whose previous
 * instance was just killed -9 (stale control.sock, control.secret and pid file
 * left behind). Before the lock, both reached "running" in 2 of 24 tries.
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, FAKE_AGENT, ROOT, startRun, tempDir } from './harness';

const ROUNDS = 50;

let dir: string;
beforeAll(async () => {
  assertBuilt();
  dir = await tempDir('lock');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Outcome {
  pid: number;
  /** Reached "running" (then killed -9 by the test), or exited with this code and stderr. */
  ran: boolean;
  code: number | null;
  stderr: string;
  kill(): Promise<void>;
}

/** Starts `nightshift run` and settles once it either logs "running" or exits. */
function start(dataDir: string): Promise<Outcome> {
  const child = spawn(process.execPath, [BIN, 'run', '--agent', `node ${FAKE_AGENT}`, '--data-dir', dataDir], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  return new Promise((resolve) => {
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (/ running \d+ daemon/.test(stderr)) resolve({ pid: child.pid!, ran: true, code: null, stderr, kill });
    });
    void exited.then((code) => resolve({ pid: child.pid!, ran: false, code, stderr, kill }));
  });
}

describe('one instance per data dir', () => {
  it(`${ROUNDS} rounds of two simultaneous starts after a kill -9: exactly one runs`, { timeout: 600_000 }, async () => {
    const dataDir = join(dir, 'data');
    const first = await startRun(['--agent', `node ${FAKE_AGENT}`, '--data-dir', dataDir]);
    first.child.kill('SIGKILL');
    await first.exited;

    const losers: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const pair = await Promise.all([start(dataDir), start(dataDir)]);
      const running = pair.filter((o) => o.ran);
      const refused = pair.filter((o) => !o.ran);
      // Kill -9 before asserting, so a failure leaves nothing behind; this kill is also the next round's crash.
      await Promise.all(pair.map((o) => o.kill()));
      expect(running, `round ${round}: ${pair.map((o) => o.stderr).join('\n---\n')}`).toHaveLength(1);
      expect(refused[0]!.code).toBe(1);
      losers.push(refused[0]!.stderr);
    }
    for (const stderr of losers) expect(stderr).toMatch(/another nightshift process .* is using the data dir/);
  });
});
