/**
 * What the agent-CLI runtimes (claude, codex, gemini) share: each parses its
 * CLI's JSON-lines stream into {@link CliEvent}s with a pure, per-run parser;
 * this interpreter turns those into AgentEvents and, at exit, an outcome.
 */
import type { AgentEvent, AgentOutcome } from '../types';
import type { OutputStream, ProcessExit } from './agent-process';
import { describeExit, type RunInterpreter } from './agent-run';
import { clipStart, OutputTail } from './output-tail';
import { DEFAULT_RATE_LIMIT_WAIT_MS } from './reset-time';

/** An AgentEvent, or an error the CLI reported (becomes the failure message). */
export type CliEvent = AgentEvent | { type: 'error'; message: string };

/** Parses one run's stream; may keep state between lines (e.g. text deltas). */
export interface CliStreamParser {
  parseLine(line: string): CliEvent[];
}

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

export function createCliInterpreter(parser: CliStreamParser, now: () => number): RunInterpreter {
  const shown = new OutputTail();
  const stderr = new OutputTail();
  let result: string | null = null;
  let lastError: string | null = null;
  let limit: { resetAt?: number; message: string } | null = null;

  return {
    onLine(stream: OutputStream, line: string): AgentEvent[] {
      if (stream === 'stderr') {
        stderr.push(line);
        return [{ type: 'output', stream, line }];
      }
      const events: AgentEvent[] = [];
      for (const event of parser.parseLine(line)) {
        if (event.type === 'error') {
          lastError = event.message;
          events.push({ type: 'output', stream: 'stdout', line: event.message });
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
      const why = lastError ?? (stderr.isEmpty ? shown.text() : stderr.text());
      return { kind: 'failed', error: why ? `${clipStart(why)} (${describeExit(exit)})` : describeExit(exit) };
    },
  };
}
