/**
 * Each platform's way of ending an agent's whole tree. The Unix branch runs
 * for real (a process group with a grandchild); the Windows branch runs its
 * decision logic here with `taskkill` recorded instead of executed (there is
 * no taskkill on this machine), against a real process standing in for the
 * agent so that "alive" is the real answer.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { candidateNames, resolveOnPath } from './availability';
import { groupAlive } from './process-liveness';
import { processTreeOps, terminateTree } from './process-tree';

let dir: string;
const children: ChildProcess[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-tree-'));
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

function sleeper(detached: boolean): ChildProcess {
  // A parent that starts a grandchild, like an agent CLI starting its tools.
  const child = spawn('/bin/sh', ['-c', 'sleep 30 & sleep 30; wait'], { detached, stdio: 'ignore' });
  children.push(child);
  return child;
}

describe('process trees', () => {
  it('Unix: SIGTERM to the group ends the agent and its grandchild', async () => {
    const child = sleeper(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(await groupAlive(child.pid!)).toBe(true);
    await terminateTree(child.pid!, 2_000, processTreeOps('linux'));
    expect(await groupAlive(child.pid!)).toBe(false);
  });

  it('Windows: taskkill /T first, /T /F after the grace period, no shell', async () => {
    const child = sleeper(false);
    const calls: string[][] = [];
    const exec = async (program: string, args: readonly string[]) => {
      calls.push([program, ...args]);
      // The polite form does nothing to a console program (as on Windows); /F ends it.
      if (args.includes('/F')) child.kill('SIGKILL');
    };
    const ops = processTreeOps('win32', exec);
    expect(await ops.alive(child.pid!)).toBe(true);
    await terminateTree(child.pid!, 300, ops);
    expect(calls).toEqual([
      ['taskkill', '/PID', String(child.pid), '/T'],
      ['taskkill', '/PID', String(child.pid), '/T', '/F'],
    ]);
    expect(await ops.alive(child.pid!)).toBe(false);
  });

  it('Windows: a tree already gone is not signalled at all', async () => {
    const child = sleeper(false);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const calls: string[][] = [];
    await terminateTree(
      child.pid!,
      100,
      processTreeOps('win32', async (p, a) => void calls.push([p, ...a])),
    );
    expect(calls).toEqual([]);
  });
});

describe('PATH lookup', () => {
  it('Windows honours PATHEXT: claude is claude.cmd, with no execute bit needed', async () => {
    const bin = join(dir, 'npm-bin');
    await import('node:fs/promises').then((fs) => fs.mkdir(bin));
    await writeFile(join(bin, 'claude.cmd'), '@echo off\r\n');
    const pathVar = `${join(dir, 'nothing-here')};${bin}`;
    expect(await resolveOnPath('claude', pathVar, { platform: 'win32', pathExt: '.COM;.EXE;.BAT;.CMD' })).toBe(
      join(bin, 'claude.cmd'),
    );
    expect(await resolveOnPath('claude.cmd', pathVar, { platform: 'win32', pathExt: '.EXE;.CMD' })).toBe(join(bin, 'claude.cmd'));
    // Not in PATHEXT: not an executable name.
    expect(await resolveOnPath('claude', pathVar, { platform: 'win32', pathExt: '.EXE' })).toBeNull();
  });

  it('Unix needs the execute bit and ignores PATHEXT', async () => {
    await writeFile(join(dir, 'claude'), '#!/bin/sh\n');
    expect(await resolveOnPath('claude', dir, { platform: 'linux', pathExt: '.CMD' })).toBeNull();
    await chmod(join(dir, 'claude'), 0o755);
    expect(await resolveOnPath('claude', dir, { platform: 'linux' })).toBe(join(dir, 'claude'));
    expect(candidateNames('claude', { platform: 'linux', pathExt: '.CMD' })).toEqual(['claude']);
    expect(candidateNames('claude', { platform: 'win32' })).toEqual(['claude.com', 'claude.exe', 'claude.bat', 'claude.cmd']);
  });
});
