/**
 * Leftover detection on Windows compares the process start time, not the pid
 * alone: the parser reads both tools' real output formats (fixtures in
 * test/fixtures/windows), and the lookup and identity branches run here with
 * an injected exec against a real live process.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WRAPPER_SOURCE, WRAPPER_SYSTEMROOT_KEY, wrapperEnv } from './agent-wrapper';
import { IDENTITY_RECHECK_MS, isSameProcess, processStartTime, watchProcessIdentity } from './process-identity';
import {
  type ExecText,
  POWERSHELL_START_TIME_ARGS,
  parseWindowsCreationDate,
  powershellStartTimeArgs,
  windowsStartTime,
} from './windows-start-time';

const fixture = (name: string) => readFile(join(__dirname, '../../../test/fixtures/windows', name), 'utf8');
const INSTANT = '2026-12-03T13:23:21.473187Z';

/** An exec that answers per program from a table and records every call. */
function scriptedExec(answers: Record<string, string | Error>): {
  exec: ExecText;
  calls: { program: string; args: readonly string[]; timeoutMs: number }[];
} {
  const calls: { program: string; args: readonly string[]; timeoutMs: number }[] = [];
  const exec: ExecText = async (program, args, { timeoutMs }) => {
    calls.push({ program, args, timeoutMs });
    const answer = answers[program];
    if (answer === undefined) throw new Error(`spawn ${program} ENOENT`);
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { exec, calls };
}

describe('parseWindowsCreationDate', () => {
  it("reads PowerShell's round-trip output and wmic's CIM_DATETIME to the same canonical instant", async () => {
    expect(parseWindowsCreationDate(await fixture('powershell-creation-date.txt'))).toBe(INSTANT);
    expect(parseWindowsCreationDate(await fixture('wmic-creation-date.txt'))).toBe(INSTANT);
  });

  it('applies offsets on both sides of UTC, across a day boundary', () => {
    expect(parseWindowsCreationDate('CreationDate=20260101003000.000001-300')).toBe('2026-01-01T05:30:00.000001Z');
    expect(parseWindowsCreationDate('CreationDate=20260101003000.000001+330')).toBe('2025-12-31T19:00:00.000001Z');
    expect(parseWindowsCreationDate('2026-01-01T00:30:00.0000010+05:30')).toBe('2025-12-31T19:00:00.000001Z');
  });

  it('says nothing for an empty answer (no such process) or for anything it does not know', () => {
    expect(parseWindowsCreationDate('')).toBeNull();
    expect(parseWindowsCreationDate('\r\r\n\r\r\n')).toBeNull();
    expect(parseWindowsCreationDate('No Instance(s) Available.\r\n')).toBeNull();
    expect(parseWindowsCreationDate('Thursday, 3 December 2026 14:23:21')).toBeNull();
  });
});

describe('windowsStartTime', () => {
  it('asks PowerShell for the pid, bounded in time, and stops there when it answers', async () => {
    const { exec, calls } = scriptedExec({ 'powershell.exe': await fixture('powershell-creation-date.txt') });
    expect(await windowsStartTime(4242, exec, 1234)).toBe(INSTANT);
    expect(calls).toEqual([{ program: 'powershell.exe', args: powershellStartTimeArgs(4242), timeoutMs: 1234 }]);
    expect(calls[0]!.args.at(-1)).toContain('-Filter "ProcessId=4242"');
  });

  it('falls back to wmic when PowerShell fails or times out', async () => {
    const { exec, calls } = scriptedExec({
      'powershell.exe': new Error('Command failed: timed out'),
      wmic: await fixture('wmic-creation-date.txt'),
    });
    expect(await windowsStartTime(4242, exec)).toBe(INSTANT);
    expect(calls.map((c) => c.program)).toEqual(['powershell.exe', 'wmic']);
    expect(calls[1]!.args).toEqual(['process', 'where', 'ProcessId=4242', 'get', 'CreationDate', '/value']);
  });

  it('is null when neither tool can say', async () => {
    expect(
      await windowsStartTime(4242, scriptedExec({ 'powershell.exe': '', wmic: 'No Instance(s) Available.' }).exec),
    ).toBeNull();
    expect(await windowsStartTime(4242, scriptedExec({}).exec)).toBeNull();
  });
});

describe('process identity on Windows (injected exec, a real live process)', () => {
  const win = (exec: ExecText) => ({ platform: 'win32' as const, exec });

  it('a live pid whose start time differs from the recorded one is not the process that was started', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const pid = child.pid!;
      const recorded = (await fixture('powershell-creation-date.txt')).trim();
      const same = scriptedExec({ 'powershell.exe': await fixture('powershell-creation-date.txt') });
      expect(await processStartTime(pid, win(same.exec))).toBe(INSTANT);
      // Recorded by the wrapper through PowerShell, read back through wmic: still the same process.
      const viaWmic = scriptedExec({ wmic: await fixture('wmic-creation-date.txt') });
      expect(await isSameProcess(pid, recorded, win(viaWmic.exec))).toBe(true);
      // The pid was reused: another start time.
      const reused = scriptedExec({ 'powershell.exe': '2026-12-04T08:00:00.0000000Z\r\n' });
      expect(await isSameProcess(pid, recorded, win(reused.exec))).toBe(false);
      // Neither tool answers: the pid is all there is, and trusted as before.
      expect(await isSameProcess(pid, recorded, win(scriptedExec({}).exec))).toBe(true);
      // The wrapper could not learn its start time: pid only, no lookup at all.
      const none = scriptedExec({});
      expect(await isSameProcess(pid, null, win(none.exec))).toBe(true);
      expect(none.calls).toEqual([]);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a dead pid is never the same process, whatever the tools say', async () => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await new Promise((r) => child.once('exit', r));
    const { exec, calls } = scriptedExec({ 'powershell.exe': await fixture('powershell-creation-date.txt') });
    expect(await isSameProcess(child.pid!, INSTANT, win(exec))).toBe(false);
    expect(calls).toEqual([]);
  });

  it('a polling watch runs PowerShell at most every IDENTITY_RECHECK_MS, checking liveness in between', async () => {
    const { exec, calls } = scriptedExec({ 'powershell.exe': await fixture('powershell-creation-date.txt') });
    let now = 0;
    const watch = watchProcessIdentity(process.pid, INSTANT, win(exec), () => now);
    for (let i = 0; i < 5; i++) {
      expect(await watch()).toBe(true);
      now += 250;
    }
    expect(calls).toHaveLength(1);
    now = IDENTITY_RECHECK_MS + 1;
    expect(await watch()).toBe(true);
    expect(calls).toHaveLength(2);
  });
});

describe('the agent wrapper records the same value on Windows', () => {
  it('runs the same PowerShell query for its own pid, with SystemRoot passed through and kept from the agent', () => {
    expect(WRAPPER_SOURCE).toContain(JSON.stringify(POWERSHELL_START_TIME_ARGS));
    expect(WRAPPER_SOURCE).toContain(`delete env.${WRAPPER_SYSTEMROOT_KEY}`);
    const env = wrapperEnv({ PATH: 'C:\\bin' }, 'win32', { SystemRoot: 'C:\\Windows' });
    expect(env[WRAPPER_SYSTEMROOT_KEY]).toBe('C:\\Windows');
    expect(wrapperEnv({ PATH: '/bin' }, 'linux', { SystemRoot: 'C:\\Windows' })).toEqual({ PATH: '/bin' });
  });
});
