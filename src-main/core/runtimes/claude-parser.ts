/**
 * Claude Code's `--print --output-format stream-json --verbose` stream (see
 * docs/runtimes.md): `system/init` and `result` carry `session_id`;
 * `result` carries the final text, `total_cost_usd` and `usage`;
 * `rate_limit_event` with `status: "rejected"` carries `resetsAt` (epoch s)
 * unless `isUsingOverage` (the run goes on, paid); `system/api_retry` is a
 * retry (no progress); a limited or unauthenticated run ends with
 * `result.is_error: true`, its reason in `result` or `errors[]`.
 */

import { type CliEvent, type CliStreamParser, num, obj, parseJsonObject, str, textOutput } from './cli-stream';
import type { AgentEvent } from './port';
import { findResetTime } from './reset-time';

const LIMIT_TEXT = /usage limit|limit reached|hit your .*limit|rate limit|rate_limit/i;

export function createClaudeStreamParser(now: () => number): CliStreamParser {
  // The exact reset from a rate_limit_event beats one read from the result's prose ("resets 3pm").
  let exactResetAt: number | undefined;
  return {
    parseLine(line) {
      const msg = parseJsonObject(line);
      if (!msg) return textOutput(line);
      switch (msg.type) {
        case 'system':
          return msg.subtype === 'api_retry' ? apiRetry(msg) : sessionOf(msg);
        case 'assistant':
          return assistantText(msg);
        case 'rate_limit_event': {
          const events = rateLimitEvent(msg);
          for (const e of events) if (e.type === 'rate_limit' && e.resetAt !== undefined) exactResetAt = e.resetAt;
          return events;
        }
        case 'result':
          return resultEvent(msg, () => exactResetAt ?? findResetTime(str(msg.result) ?? '', now()));
        default:
          return [];
      }
    },
  };
}

function sessionOf(msg: Record<string, unknown>): CliEvent[] {
  const id = str(msg.session_id);
  return id ? [{ type: 'resume_token', token: id }] : [];
}

function assistantText(msg: Record<string, unknown>): CliEvent[] {
  const content = obj(msg.message)?.content;
  if (!Array.isArray(content)) return [];
  const events: CliEvent[] = [];
  for (const block of content) {
    const b = obj(block);
    if (b?.type === 'text' && str(b.text)) events.push(...textOutput(str(b.text)!));
    if (b?.type === 'tool_use' && str(b.name)) events.push({ type: 'output', stream: 'stdout', line: `tool: ${str(b.name)}` });
  }
  return events;
}

/** `{subtype:"api_retry", attempt, max_retries, error_status, error}`: no HTTP status means no answer at all. */
function apiRetry(msg: Record<string, unknown>): CliEvent[] {
  const status = num(msg.error_status);
  const why = status !== undefined ? `HTTP ${status}` : 'no response (network)';
  return [{ type: 'retry', message: `Claude API retry ${num(msg.attempt) ?? '?'}/${num(msg.max_retries) ?? '?'}: ${why}` }];
}

function rateLimitEvent(msg: Record<string, unknown>): CliEvent[] {
  const info = obj(msg.rate_limit_info);
  if (info?.status !== 'rejected') return [];
  // Past the plan's limit with overage allowed, the run goes on (paid): not a pause.
  if (info.isUsingOverage === true)
    return textOutput(`Claude ${str(info.rateLimitType) ?? 'usage'} limit reached; using overage`);
  const resetsAt = num(info.resetsAt);
  const kind = str(info.rateLimitType) ?? 'usage';
  return [
    {
      type: 'rate_limit',
      message: `Claude ${kind} limit reached`,
      ...(resetsAt !== undefined ? { resetAt: resetsAt * 1000 } : {}),
    },
  ];
}

function resultEvent(msg: Record<string, unknown>, resetTime: () => number | undefined): CliEvent[] {
  const events: CliEvent[] = [...sessionOf(msg)];
  const usage = obj(msg.usage);
  const cost = num(msg.total_cost_usd);
  if (usage || cost !== undefined) {
    const input =
      (num(usage?.input_tokens) ?? 0) +
      (num(usage?.cache_read_input_tokens) ?? 0) +
      (num(usage?.cache_creation_input_tokens) ?? 0);
    const usageEvent: AgentEvent = { type: 'usage', inputTokens: input, outputTokens: num(usage?.output_tokens) ?? 0 };
    if (cost !== undefined) usageEvent.costUsd = cost;
    events.push(usageEvent);
  }
  const text = str(msg.result) ?? '';
  if (msg.is_error === true || (str(msg.subtype) ?? 'success') !== 'success') {
    // error_during_execution carries no `result`, its reason in `errors[]`
    // ("No conversation found with session ID: …").
    const errors = Array.isArray(msg.errors) ? msg.errors.filter((e): e is string => typeof e === 'string') : [];
    const message = text || errors.join('; ') || `Claude Code ended with ${str(msg.subtype) ?? 'an error'}`;
    if (LIMIT_TEXT.test(message) || num(msg.api_error_status) === 429) {
      const resetAt = resetTime();
      events.push({ type: 'rate_limit', message, ...(resetAt !== undefined ? { resetAt } : {}) });
    }
    events.push({ type: 'error', message });
    return events;
  }
  events.push({ type: 'result', text });
  return events;
}
