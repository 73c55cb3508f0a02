/**
 * A process's start time on Windows, so that a pid left by a crashed run is
 * recognised as the process that was started and not an unrelated one that
 * reuses the number (Windows recycles pids quickly). Windows has no /proc and
 * no `ps`; the start time is WMI's `Win32_Process.CreationDate`, asked for
 * without blocking the event loop (execFile, a timeout, hidden):
 *
 * 1. PowerShell (present on every Windows since 7): `Get-CimInstance` gives a
 *    DateTime, printed in the round-trip format `o` — culture-invariant,
 *    unlike `Select CreationDate`'s table, whose date format follows the
 *    user's locale: `2026-12-03T13:23:21.1234560Z`.
 * 2. `wmic` (deprecated, absent on recent Windows 11 by default) when
 *    PowerShell fails: `/value` prints WMI's raw CIM_DATETIME,
 *    `CreationDate=20261203142321.123456+060` (local time, offset in minutes).
 *
 * Both are reduced to one canonical form (UTC, microseconds — WMI's
 * resolution), so a value recorded by the agent wrapper through PowerShell
 * compares equal to one read back at restart through either tool.
 */
import { execFile } from 'node:child_process';

/** Generous: PowerShell's own start takes seconds on a loaded machine. */
export const WINDOWS_START_TIME_TIMEOUT_MS = 15_000;

/** PowerShell's arguments with `{pid}` in place of the pid: the agent wrapper runs the same for itself (agent-wrapper.ts). */
export const POWERSHELL_START_TIME_ARGS: readonly string[] = [
  '-NoProfile',
  '-NonInteractive',
  '-Command',
  `(Get-CimInstance Win32_Process -Filter "ProcessId={pid}").CreationDate.ToUniversalTime().ToString('o')`,
];

export function powershellStartTimeArgs(pid: number): string[] {
  return POWERSHELL_START_TIME_ARGS.map((arg) => arg.replace('{pid}', String(Math.trunc(pid))));
}

export function wmicStartTimeArgs(pid: number): string[] {
  return ['process', 'where', `ProcessId=${Math.trunc(pid)}`, 'get', 'CreationDate', '/value'];
}

/** Runs a program (no shell) and resolves with its stdout; rejects on failure or timeout. */
export type ExecText = (program: string, args: readonly string[], options: { timeoutMs: number }) => Promise<string>;

export const execText: ExecText = (program, args, { timeoutMs }) =>
  new Promise((resolve, reject) => {
    execFile(
      program,
      [...args],
      { timeout: timeoutMs, killSignal: 'SIGKILL', windowsHide: true, maxBuffer: 64 * 1024, encoding: 'utf8' },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    );
  });

const ISO_ROUND_TRIP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?(Z|[+-]\d{2}:\d{2})$/;
const CIM_DATETIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{6})([+-])(\d{3})$/;

/**
 * The canonical start time (`2026-12-03T13:23:21.123456Z`) from PowerShell's
 * `o` output or wmic's `CreationDate=…` output, or null for anything else
 * (an empty answer: no such process).
 */
export function parseWindowsCreationDate(output: string): string | null {
  for (const raw of output.split(/\r*\n/)) {
    const line = raw.trim().replace(/^CreationDate=/i, '');
    if (line === '') continue;
    const iso = ISO_ROUND_TRIP.exec(line);
    if (iso) {
      const [, y, mo, d, h, mi, s, frac = '', zone] = iso;
      const micros = Number(frac.padEnd(7, '0').slice(0, 6));
      const offsetMin = zone === 'Z' ? 0 : offsetMinutes(zone!);
      return canonical(Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!) - offsetMin * 60_000, micros);
    }
    const cim = CIM_DATETIME.exec(line);
    if (cim) {
      const [, y, mo, d, h, mi, s, micros, sign, offset] = cim;
      const offsetMin = (sign === '-' ? -1 : 1) * Number(offset);
      return canonical(Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!) - offsetMin * 60_000, Number(micros));
    }
  }
  return null;
}

function offsetMinutes(zone: string): number {
  const sign = zone.startsWith('-') ? -1 : 1;
  const [h, m] = zone.slice(1).split(':');
  return sign * (Number(h) * 60 + Number(m));
}

/** Whole seconds from the Date (UTC), microseconds appended: a Date alone holds only milliseconds. */
function canonical(utcMs: number, micros: number): string | null {
  if (!Number.isFinite(utcMs)) return null;
  const seconds = new Date(utcMs).toISOString().slice(0, 19);
  return `${seconds}.${String(micros).padStart(6, '0')}Z`;
}

/**
 * The canonical start time of `pid`: PowerShell first, wmic when PowerShell
 * fails or says nothing usable; null when neither can tell (no such process,
 * or both tools missing or timed out).
 */
export async function windowsStartTime(
  pid: number,
  exec: ExecText = execText,
  timeoutMs = WINDOWS_START_TIME_TIMEOUT_MS,
): Promise<string | null> {
  const attempts: [string, string[]][] = [
    ['powershell.exe', powershellStartTimeArgs(pid)],
    ['wmic', wmicStartTimeArgs(pid)],
  ];
  for (const [program, args] of attempts) {
    const out = await exec(program, args, { timeoutMs }).catch(() => null);
    const parsed = out === null ? null : parseWindowsCreationDate(out);
    if (parsed) return parsed;
  }
  return null;
}
