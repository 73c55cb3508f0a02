/**
 * Gemini CLI's `--output-format stream-json` stream (see docs/runtimes.md):
 * `init` carries `session_id`; assistant `message` events carry text deltas
 * (the answer is their concatenation); `result` carries `status` and `stats`
 * (`input_tokens`, `output_tokens`), or `error: {type, message}` such as a
 * TerminalQuotaError / RetryableQuotaError ("Please retry in 38.2s").
 */
import { type CliEvent, type CliStreamParser, num, obj, parseJsonObject, str, textOutput } from './cli-stream';
import { findResetTime } from './reset-time';

const QUOTA_TYPE = /Quota/i;
const QUOTA_TEXT = /quota|RESOURCE_EXHAUSTED|rate limit|Status: 429|\b429\b/i;

export function createGeminiStreamParser(now: () => number): CliStreamParser {
  let answer = '';

  return {
    parseLine(line) {
      const msg = parseJsonObject(line);
      if (!msg) return textOutput(line);
      switch (msg.type) {
        case 'init': {
          const id = str(msg.session_id);
          return id ? [{ type: 'resume_token', token: id }] : [];
        }
        case 'message': {
          if (msg.role !== 'assistant') return [];
          const text = str(msg.content) ?? '';
          // Deltas are appended; a non-delta message replaces the answer so far.
          answer = msg.delta === true ? answer + text : text;
          return textOutput(text);
        }
        case 'tool_use':
          return textOutput(`tool: ${str(msg.tool_name) ?? '?'}`);
        case 'error': {
          const message = str(msg.message) ?? 'error';
          return msg.severity === 'error' ? [{ type: 'error', message }] : textOutput(message);
        }
        case 'result':
          return resultEvents(msg, answer, now);
        default:
          return [];
      }
    },
  };
}

function resultEvents(msg: Record<string, unknown>, answer: string, now: () => number): CliEvent[] {
  const events: CliEvent[] = [];
  const stats = obj(msg.stats);
  if (stats) {
    events.push({ type: 'usage', inputTokens: num(stats.input_tokens) ?? 0, outputTokens: num(stats.output_tokens) ?? 0 });
  }
  if (msg.status === 'success') {
    events.push({ type: 'result', text: answer.trim() });
    return events;
  }
  const error = obj(msg.error);
  const message = str(error?.message) ?? 'Gemini CLI reported an error';
  if (QUOTA_TYPE.test(str(error?.type) ?? '') || QUOTA_TEXT.test(message)) {
    const resetAt = findResetTime(message, now());
    events.push({ type: 'rate_limit', message, ...(resetAt !== undefined ? { resetAt } : {}) });
  }
  events.push({ type: 'error', message });
  return events;
}
