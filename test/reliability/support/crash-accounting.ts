/**
 * What the crashes cost, counted from three independent witnesses: the
 * source (final statuses, and the reports it received where it counts them),
 * Nightshift's own database (sessions), and the agents themselves (the
 * fixture agent's start/end log).
 */
import type { AgentLogEvent } from '../../cli/harness';
import type { SessionFacts } from './crash-database';
import type { KillPoint } from './crash-kill-points';
import type { AgentProcess } from './crash-processes';
import type { SourceKind, SourceReports } from './crash-worlds';

export interface CycleRecord {
  cycle: number;
  point: KillPoint;
  fellBack: boolean;
  missed: boolean;
  /** `PRAGMA integrity_check` right after the kill ("absent": killed before the database existed). */
  integrity: string;
  /** Agent processes (with their children) alive right after the kill. */
  agentsOrphaned: number;
  /** Of the previous crash's agents, how many were alive once this run finished reconciling (null: killed before). */
  leftoversAfterRestart: number | null;
}

export interface CrashReport {
  kind: SourceKind;
  seed: number;
  cycles: CycleRecord[];
  tasks: number;
  /** Enqueued tasks not `done` at the end (missing, failed, stuck). */
  lost: string[];
  /** Tasks whose completion was recorded more than once (sessions done, or effective complete reports). */
  completedTwice: string[];
  /** Tasks `in_progress` when the drain ended with no agent running and no report pending for them. */
  stuckInProgress: string[];
  /**
   * Agent processes of killed runs alive after the next run's reconciliation
   * whose session was not adopted (not `active`), plus any agent process
   * alive once the drain run stopped.
   */
  leftoverAgents: number;
  /** Cycles whose integrity check was neither "ok" nor "absent", plus the final check. */
  integrityFailures: number;
  /** Two agents of the same task running at the same time (both with start and end in the log). */
  concurrentRuns: number;
  /**
   * Tasks whose agent started more than once, counted on the agent's side
   * (the fixture agent's own log). Every run of this harness could have been
   * adopted (only the runner is killed, never an agent), so any is a failure.
   */
  runTwice: string[];
  /** Informational: report retries answered from the server's idempotency memory. */
  replayedReports: number;
  drainExitCode: number | null;
  elapsedMs: number;
}

export interface SettleInput {
  kind: SourceKind;
  seed: number;
  cycles: CycleRecord[];
  enqueued: string[];
  statuses: Map<string, string>;
  sessionsAtDrainEnd: SessionFacts[];
  runningAtDrainEnd: AgentProcess[];
  finalSessions: SessionFacts[];
  finalIntegrity: string;
  drainExitCode: number | null;
  agentEvents: AgentLogEvent[];
  reports: Map<string, SourceReports> | undefined;
  leftoverAgents: number;
  elapsedMs: number;
}

const OK_INTEGRITY = new Set(['ok', 'absent']);

export function settleAccounts(input: SettleInput): CrashReport {
  const lost = input.enqueued.filter((id) => input.statuses.get(id) !== 'done');

  const doneSessions = countBy(input.finalSessions.filter((s) => s.outcome === 'done').map((s) => s.taskId));
  const twice = new Set(input.enqueued.filter((id) => (doneSessions.get(id) ?? 0) > 1));
  for (const [id, r] of input.reports ?? []) if (r.complete > 1 || (r.complete > 0 && r.fail > 0)) twice.add(id);

  const sessionById = new Map(input.sessionsAtDrainEnd.map((s) => [s.id, s]));
  const tasksWithAgent = new Set(
    input.runningAtDrainEnd.map((p) => (p.sessionId ? sessionById.get(p.sessionId)?.taskId : undefined)).filter(Boolean),
  );
  const reporting = new Set(input.sessionsAtDrainEnd.filter((s) => s.state === 'completing').map((s) => s.taskId));
  const stuckInProgress = input.enqueued.filter(
    (id) => input.statuses.get(id) === 'in_progress' && !tasksWithAgent.has(id) && !reporting.has(id),
  );

  const integrityFailures =
    input.cycles.filter((c) => !OK_INTEGRITY.has(c.integrity)).length + (OK_INTEGRITY.has(input.finalIntegrity) ? 0 : 1);

  const starts = countBy(input.agentEvents.filter((e) => e.event === 'start').map((e) => e.taskId));
  const replayedReports = [...(input.reports?.values() ?? [])].reduce((n, r) => n + r.replayed, 0);

  return {
    kind: input.kind,
    seed: input.seed,
    cycles: input.cycles,
    tasks: input.enqueued.length,
    lost,
    completedTwice: [...twice],
    stuckInProgress,
    leftoverAgents: input.leftoverAgents,
    integrityFailures,
    concurrentRuns: countConcurrentRuns(input.agentEvents),
    runTwice: [...starts].filter(([, n]) => n > 1).map(([id]) => id),
    replayedReports,
    drainExitCode: input.drainExitCode,
    elapsedMs: input.elapsedMs,
  };
}

/** Pairs of finished agent runs of one task whose [start, end] overlap. */
export function countConcurrentRuns(events: AgentLogEvent[]): number {
  const runs = new Map<number, { taskId: string; start: number; end?: number }>();
  for (const e of events) {
    const run = runs.get(e.pid) ?? { taskId: e.taskId, start: e.at };
    if (e.event === 'start') run.start = e.at;
    else run.end = e.at;
    runs.set(e.pid, run);
  }
  const byTask = new Map<string, { start: number; end: number }[]>();
  for (const r of runs.values()) {
    if (r.end === undefined) continue;
    byTask.set(r.taskId, [...(byTask.get(r.taskId) ?? []), { start: r.start, end: r.end }]);
  }
  let overlaps = 0;
  for (const list of byTask.values()) {
    list.sort((a, b) => a.start - b.start);
    for (let i = 1; i < list.length; i++) if (list[i]!.start < list[i - 1]!.end) overlaps += 1;
  }
  return overlaps;
}

function countBy(keys: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
}

/** The figures that must be zero, by name; empty when the run proved what it should. */
export function violations(report: CrashReport): string[] {
  const out: string[] = [];
  if (report.lost.length) out.push(`${report.lost.length} task(s) lost: ${report.lost.slice(0, 5).join(', ')}`);
  if (report.completedTwice.length)
    out.push(`${report.completedTwice.length} task(s) completed twice: ${report.completedTwice.join(', ')}`);
  if (report.stuckInProgress.length) out.push(`${report.stuckInProgress.length} task(s) stuck in progress`);
  if (report.leftoverAgents) out.push(`${report.leftoverAgents} agent process(es) of dead runs alive after restart`);
  if (report.integrityFailures) out.push(`${report.integrityFailures} failed integrity check(s)`);
  if (report.runTwice.length)
    out.push(`${report.runTwice.length} task(s) run more than once on the agent side: ${report.runTwice.slice(0, 5).join(', ')}`);
  if (report.concurrentRuns) out.push(`${report.concurrentRuns} concurrent run(s) of one task`);
  if (report.drainExitCode !== 0) out.push(`the drain run exited ${report.drainExitCode} on SIGTERM`);
  return out;
}

export function formatCrashTable(reports: CrashReport[]): string {
  const header = [
    'source',
    'cycles',
    'tasks',
    'lost',
    'completed twice',
    'stuck in progress',
    'leftover agents',
    'integrity failures',
    'concurrent runs',
    'run twice (agent side)',
    'replayed reports (info)',
    'seconds',
  ];
  const rows = reports.map((r) => [
    r.kind,
    r.cycles.length,
    r.tasks,
    r.lost.length,
    r.completedTwice.length,
    r.stuckInProgress.length,
    r.leftoverAgents,
    r.integrityFailures,
    r.concurrentRuns,
    r.runTwice.length,
    r.replayedReports,
    (r.elapsedMs / 1000).toFixed(1),
  ]);
  const points = reports.map((r) => {
    const byPoint = countBy(r.cycles.map((c) => c.point + (c.fellBack ? '(fallback)' : '')));
    return `${r.kind} kill points: ${[...byPoint].map(([p, n]) => `${p} ${n}`).join(', ')}; orphaned agent processes at kills: ${r.cycles.reduce((n, c) => n + c.agentsOrphaned, 0)}`;
  });
  return [markdownTable(header, rows), '', ...points].join('\n');
}

function markdownTable(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
