/**
 * The one liveness answer, proved on real processes: a zombie is not alive
 * (alone in its group, the group is gone though the kernel still accepts a
 * signal to it), and EPERM from kill(…, 0) means alive (a process of another
 * user is probed from an unprivileged child process running this module).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readProcStat, scanProcTable } from './proc-table';
import { groupAlive, isLiveProcess } from './process-liveness';

const linux = process.platform === 'linux';
const root = process.getuid?.() === 0;
const NOBODY = 65534;

let dir: string;
const children: ChildProcess[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-liveness-'));
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

function start(program: string, args: string[], options: { detached?: boolean; uid?: number; gid?: number; cwd?: string } = {}) {
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  children.push(child);
  return child;
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((done, fail) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (d) => (err += d));
    child.stdout?.on('data', (d) => {
      out += d;
      if (out.includes('\n')) done(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) => fail(new Error(`exited ${code} before a line: ${err}`)));
  });
}

async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in 10 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function signalable(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!linux)('zombies are not alive', () => {
  it('a zombie alone in its group: the group accepts signals, yet it is not alive', async () => {
    // sh puts `setsid sleep 0` in the background and execs a sleep that never
    // reaps: the background child becomes its own group's leader, exits, and
    // stays a zombie as long as that sleep lives.
    const parent = start('/bin/sh', ['-c', 'setsid sleep 0 & echo $!; exec sleep 30']);
    const zombie = Number(await firstLine(parent));
    await until(async () => (await readProcStat(zombie))?.state === 'Z');
    expect((await readProcStat(zombie))?.pgid).toBe(zombie);
    expect(signalable(-zombie)).toBe(true);
    expect(signalable(zombie)).toBe(true);
    expect(await isLiveProcess(zombie)).toBe(false);
    expect(await groupAlive(zombie)).toBe(false);
  });

  it('a group whose leader is a zombie while another member lives is alive, until that member dies', async () => {
    // The leader (setsid sh) starts a sleep in its group and exits; its
    // parent (the exec'd outer sleep) never reaps it. Both print their pid.
    const parent = start('/bin/sh', ['-c', 'setsid /bin/sh -c "sleep 30 & echo \\$!" & echo $!; exec sleep 30']);
    const pids: number[] = [];
    parent.stdout?.on('data', (d) => pids.push(...String(d).split('\n').filter(Boolean).map(Number)));
    await until(async () => pids.length === 2);
    const stats = await Promise.all(pids.map((p) => readProcStat(p)));
    const leader = stats.find((s) => s?.pid === s?.pgid)!.pid;
    const member = stats.find((s) => s?.pid !== s?.pgid)!;
    expect(member.pgid).toBe(leader);
    await until(async () => (await readProcStat(leader))?.state === 'Z');
    expect(await isLiveProcess(leader)).toBe(false);
    expect(await groupAlive(leader)).toBe(true);
    process.kill(member.pid, 'SIGKILL');
    await until(async () => !(await isLiveProcess(member.pid)));
    expect(signalable(-leader)).toBe(true);
    expect(await groupAlive(leader)).toBe(false);
  });
});

describe.skipIf(!linux)('the /proc table', () => {
  it('reads state, group and start time of a process whose name holds spaces and parentheses', async () => {
    const oddName = join(dir, 'a) b (c');
    await copyFile('/bin/sleep', oddName);
    await chmod(oddName, 0o755);
    const child = start(oddName, ['30'], { detached: true });
    // Sleeping once it has started (R or D for an instant before).
    await until(async () => (await readProcStat(child.pid!))?.state === 'S');
    const stat = await readProcStat(child.pid!);
    expect(stat).toMatchObject({ pid: child.pid, ppid: process.pid, pgid: child.pid });
    expect(stat?.startTime).toMatch(/^\d+$/);
    const table = await scanProcTable();
    expect(table?.find((p) => p.pid === child.pid)).toMatchObject({ pgid: child.pid, environ: null });
  });
});

describe.skipIf(!linux || !root)('EPERM means alive', () => {
  it('a process of another user, probed by an unprivileged process, is alive (and its group too)', async () => {
    // Our own sleeper runs as root; the probe runs this module as nobody, so
    // its kill(…, 0) is refused with EPERM rather than answered.
    const sleeper = start('/bin/sleep', ['30'], { detached: true });
    await chmod(dir, 0o755);
    const probe = join(dir, 'probe.mts');
    const module = resolve(__dirname, 'process-liveness.ts');
    await writeFile(
      probe,
      `import { groupAlive, isLiveProcess } from ${JSON.stringify(module)};
const pid = Number(process.argv[2]);
let code = 'none';
try { process.kill(-pid, 0); } catch (e) { code = e.code; }
console.log(JSON.stringify({ code, group: await groupAlive(pid), process: await isLiveProcess(pid) }));
`,
    );
    await chmod(probe, 0o644);
    const run = (pid: number) =>
      firstLine(
        start(process.execPath, ['--import', 'tsx', probe, String(pid)], {
          uid: NOBODY,
          gid: NOBODY,
          cwd: resolve(__dirname, '../../..'),
        }),
      ).then((line) => JSON.parse(line) as { code: string; group: boolean; process: boolean });
    expect(await run(sleeper.pid!)).toEqual({ code: 'EPERM', group: true, process: true });
    sleeper.kill('SIGKILL');
    await new Promise((r) => sleeper.once('exit', r));
    expect(await run(sleeper.pid!)).toEqual({ code: 'ESRCH', group: false, process: false });
  });
});
