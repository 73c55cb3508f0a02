/**
 * What the agent-CLI runtimes (claude, codex, gemini) share: each parses its
 * CLI's JSON-lines stream into {@link CliEvent}s with a pure, per-run parser;
 * this interpreter turns those into AgentEvents and, at exit, an outcome.
 */

import type { ProcessExit } from './agent-process';
import { describeExit, type RunInterpreter } from './agent-run';
import { classifyEnvironment, firstErrorLine, stripAnsi } from './environment';
import { clipStart, OutputTail } from './output-tail';
import type { AgentEvent, AgentOutcome, EnvironmentCause, OutputStream } from './port';
import { DEFAULT_RATE_LIMIT_WAIT_MS } from './reset-time';

/**
 * An AgentEvent; an error the CLI reported (becomes the failure message); or
 * a retry the CLI announces (shown, but not progress: see stall detection).
 */
export type CliEvent = AgentEvent | { type: 'error'; message: string } | { type: 'retry'; message: string };

/** Parses one run's stream; may keep state between lines (e.g. text deltas). */
export interface CliStreamParser {
  parseLine(line: string): CliEvent[];
}

/** What a CLI's exit code alone says (gemini: 41 auth, 55 untrusted folder). */
export type ExitClassifier = (code: number | null) => EnvironmentCause | null;

/** JSON.parse that answers null for anything that is not a JSON object. */
export function parseJsonObject(line: string): Record<string, unknown> | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(trimmed);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
export const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** A readable `output` line for a piece of agent text (first line, bounded). */
export function textOutput(text: string): AgentEvent[] {
  const shown = text.trim();
  if (!shown) return [];
  return [{ type: 'output', stream: 'stdout', line: shown.length > 500 ? `${shown.slice(0, 499)}…` : shown }];
}

const STDERR_HEAD_LINES = 40;

export function createCliInterpreter(
  parser: CliStreamParser,
  now: () => number,
  classifyExit: ExitClassifier = () => null,
): RunInterpreter {
  const shown = new OutputTail();
  const stderrHead: string[] = [];
  const stderrTail = new OutputTail();
  let result: string | null = null;
  let lastError: string | null = null;
  let lastRetry: string | null = null;
  let limit: { resetAt?: number; message: string } | null = null;

  const environment = (cause: EnvironmentCause, message: string): AgentOutcome => ({ kind: 'environment', cause, message });

  return {
    onLine(stream: OutputStream, raw: string): AgentEvent[] {
      const line = stripAnsi(raw);
      if (stream === 'stderr') {
        if (stderrHead.length < STDERR_HEAD_LINES) stderrHead.push(line);
        stderrTail.push(line);
        // Gemini and Codex report their transport retries on stderr; they are not progress either.
        if (/Retrying with backoff|Reconnecting/i.test(line)) lastRetry = line;
        return [{ type: 'output', stream, line }];
      }
      const events: AgentEvent[] = [];
      for (const event of parser.parseLine(line)) {
        if (event.type === 'error') {
          lastError = event.message;
          events.push({ type: 'output', stream: 'stdout', line: event.message });
          continue;
        }
        if (event.type === 'retry') {
          lastRetry = event.message;
          events.push({ type: 'output', stream: 'stdout', line: event.message, retry: true });
          continue;
        }
        if (event.type === 'result') result = event.text;
        if (event.type === 'rate_limit') {
          // Several limits may be reported; the latest known reset wins.
          const resetAt = Math.max(limit?.resetAt ?? 0, event.resetAt ?? 0) || undefined;
          limit = { message: event.message, ...(resetAt ? { resetAt } : {}) };
        }
        if (event.type === 'output') shown.push(event.line);
        events.push(event);
      }
      return events;
    },
    outcome(exit: ProcessExit): AgentOutcome {
      const succeeded = exit.code === 0 && lastError === null;
      if (limit && !succeeded) {
        return { kind: 'rate_limited', resumeAt: limit.resetAt ?? now() + DEFAULT_RATE_LIMIT_WAIT_MS, message: limit.message };
      }
      if (succeeded) return { kind: 'completed', summary: clipStart(result ?? shown.text()) };
      const stderrReason = firstErrorLine(stderrHead);
      const why = lastError ?? stderrReason ?? (shown.isEmpty ? stderrTail.text() : shown.text());
      const cause =
        classifyExit(exit.code) ?? classifyEnvironment(why) ?? (stderrReason ? classifyEnvironment(stderrReason) : null);
      if (cause) return environment(cause, clipStart(why || describeExit(exit), 500));
      return { kind: 'failed', error: why ? `${clipStart(why)} (${describeExit(exit)})` : describeExit(exit) };
    },
    stalled(): AgentOutcome | null {
      // Stopped for lack of progress: an environment failure when the last retry says why.
      const cause = lastRetry ? classifyEnvironment(lastRetry) : null;
      return cause && lastRetry ? environment(cause, `${clipStart(lastRetry, 300)} (no progress, stopped)`) : null;
    },
  };
}
