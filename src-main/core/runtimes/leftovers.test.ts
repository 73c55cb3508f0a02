/**
 * The environment sweep after a crash, on real process groups: only groups
 * whose processes carry one of the given session ids are killed, whole (the
 * grandchild too); an unrelated group with another id lives on.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../log';
import { killLeftoverAgents } from './leftovers';
import { readProcStat } from './proc-table';
import { groupAlive } from './process-liveness';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
});

/** An agent-like group: a shell leading it with a grandchild, both carrying the session id. */
async function agentGroup(sessionId: string): Promise<number> {
  const child = spawn('/bin/sh', ['-c', 'sleep 30 & sleep 30; wait'], {
    detached: true,
    stdio: 'ignore',
    env: { PATH: process.env.PATH, NIGHTSHIFT_SESSION_ID: sessionId },
  });
  children.push(child);
  // Started once the shell has become itself (its environ is then readable).
  const deadline = Date.now() + 10_000;
  while ((await readProcStat(child.pid!))?.state !== 'S' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return child.pid!;
}

describe.skipIf(process.platform !== 'linux')('killing leftover agents by their session id', () => {
  it('kills the groups of the given sessions and nothing else', async () => {
    const lines: string[] = [];
    const logger: Logger = { log: (level, scope, message) => lines.push(`${level} ${scope} ${message}`) };
    const [mine, other] = [await agentGroup('s_leftover'), await agentGroup('s_someone_else')];
    expect(await groupAlive(mine)).toBe(true);

    const killed = await killLeftoverAgents([{ id: 's_leftover', pid: null }], logger);

    expect(killed).toEqual([mine]);
    expect(await groupAlive(mine)).toBe(false);
    expect(await groupAlive(other)).toBe(true);
    expect(lines).toEqual([`warn reconcile killed leftover agent process group ${mine} from an earlier run`]);
  });

  it('kills nothing when no process carries the ids', async () => {
    const other = await agentGroup('s_someone_else');
    expect(await killLeftoverAgents([{ id: 's_gone', pid: other }], { log() {} })).toEqual([]);
    expect(await groupAlive(other)).toBe(true);
  });
});
