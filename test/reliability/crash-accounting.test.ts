/**
 * The crash harness's accounting must be able to say "no": fed the traces of
 * a lost task, a double completion, a stuck task and overlapping runs, it
 * names each one.
 */
import { describe, expect, it } from 'vitest';
import type { AgentLogEvent } from '../cli/harness';
import { countConcurrentRuns, type SettleInput, settleAccounts, violations } from './support/crash-accounting';

const ev = (event: 'start' | 'end', pid: number, taskId: string, at: number): AgentLogEvent => ({
  event,
  pid,
  taskId,
  sessionId: `s-${pid}`,
  at,
});

function input(overrides: Partial<SettleInput>): SettleInput {
  return {
    kind: 'local',
    seed: 1,
    cycles: [],
    enqueued: ['a', 'b'],
    statuses: new Map([
      ['a', 'done'],
      ['b', 'done'],
    ]),
    sessionsAtDrainEnd: [],
    runningAtDrainEnd: [],
    finalSessions: [
      { id: 's1', taskId: 'a', state: 'closed', outcome: 'done', pid: 10 },
      { id: 's2', taskId: 'b', state: 'closed', outcome: 'done', pid: 11 },
    ],
    finalIntegrity: 'ok',
    drainExitCode: 0,
    agentEvents: [],
    reports: undefined,
    leftoverAgents: 0,
    elapsedMs: 1,
    ...overrides,
  };
}

describe('crash accounting', () => {
  it('a clean trace has no violations', () => {
    expect(violations(settleAccounts(input({})))).toEqual([]);
  });

  it('names a lost task, a double completion, a stuck task and a corrupt database', () => {
    const report = settleAccounts(
      input({
        enqueued: ['a', 'b', 'c', 'd'],
        statuses: new Map([
          ['a', 'done'],
          ['b', 'failed'],
          ['d', 'in_progress'],
        ]),
        finalSessions: [
          { id: 's1', taskId: 'a', state: 'closed', outcome: 'done', pid: 10 },
          { id: 's3', taskId: 'a', state: 'closed', outcome: 'done', pid: 12 },
        ],
        sessionsAtDrainEnd: [{ id: 's4', taskId: 'd', state: 'interrupted', outcome: null, pid: null }],
        finalIntegrity: '*** in database main *** Page 5 is never used',
      }),
    );
    expect(report.lost).toEqual(['b', 'c', 'd']);
    expect(report.completedTwice).toEqual(['a']);
    expect(report.stuckInProgress).toEqual(['d']);
    expect(report.integrityFailures).toBe(1);
    expect(violations(report)).toHaveLength(4);
  });

  it('a task in progress whose agent still runs, or whose report is pending, is not stuck', () => {
    const report = settleAccounts(
      input({
        enqueued: ['a', 'b'],
        statuses: new Map([
          ['a', 'in_progress'],
          ['b', 'in_progress'],
        ]),
        sessionsAtDrainEnd: [
          { id: 's1', taskId: 'a', state: 'active', outcome: null, pid: 10 },
          { id: 's2', taskId: 'b', state: 'completing', outcome: 'done', pid: null },
        ],
        runningAtDrainEnd: [{ pid: 10, pgid: 10, sessionId: 's1' }],
      }),
    );
    expect(report.stuckInProgress).toEqual([]);
  });

  it('counts two effective complete reports for one task, but not idempotent replays', () => {
    const report = settleAccounts(
      input({
        reports: new Map([
          ['a', { complete: 2, fail: 0, replayed: 0 }],
          ['b', { complete: 1, fail: 0, replayed: 3 }],
        ]),
      }),
    );
    expect(report.completedTwice).toEqual(['a']);
    expect(report.replayedReports).toBe(3);
  });

  it('names a task whose agent started twice on the agent side, even when each run ended', () => {
    const report = settleAccounts(
      input({
        agentEvents: [ev('start', 1, 'a', 0), ev('end', 1, 'a', 100), ev('start', 2, 'a', 150), ev('end', 2, 'a', 300)],
      }),
    );
    expect(report.runTwice).toEqual(['a']);
    expect(violations(report)).toEqual(['1 task(s) run more than once on the agent side: a']);
  });

  it('finds overlapping finished runs of one task, and ignores sequential reruns and unfinished ones', () => {
    expect(
      countConcurrentRuns([ev('start', 1, 'a', 0), ev('end', 1, 'a', 100), ev('start', 2, 'a', 150), ev('end', 2, 'a', 300)]),
    ).toBe(0);
    expect(
      countConcurrentRuns([ev('start', 1, 'a', 0), ev('start', 2, 'a', 50), ev('end', 1, 'a', 100), ev('end', 2, 'a', 300)]),
    ).toBe(1);
    expect(countConcurrentRuns([ev('start', 1, 'a', 0), ev('start', 2, 'a', 50), ev('end', 2, 'a', 300)])).toBe(0);
  });
});
