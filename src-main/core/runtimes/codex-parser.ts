/**
 * Codex CLI's `exec --json` stream (see docs/runtimes.md): `thread.started`
 * carries `thread_id` (what `exec resume` takes); `item.completed` with an
 * `agent_message` item carries the answer; `turn.completed` carries `usage`;
 * `error` and `turn.failed` carry messages such as "You've hit your usage
 * limit. … try again at 3:45 PM."
 */
import { type CliEvent, type CliStreamParser, num, obj, parseJsonObject, str, textOutput } from './cli-stream';
import { findResetTime } from './reset-time';

const LIMIT_TEXT = /usage limit|rate limit|too many requests|429/i;
/** Codex reports its own transport retries as `error` events; they are progress, not failure. */
const TRANSIENT = /^Reconnecting\.\.\./;

export function createCodexStreamParser(now: () => number): CliStreamParser {
  let lastMessage: string | null = null;

  const errorEvents = (message: string): CliEvent[] => {
    if (TRANSIENT.test(message)) return [{ type: 'retry', message }];
    const events: CliEvent[] = [];
    if (LIMIT_TEXT.test(message)) {
      const resetAt = findResetTime(message, now());
      events.push({ type: 'rate_limit', message, ...(resetAt !== undefined ? { resetAt } : {}) });
    }
    events.push({ type: 'error', message });
    return events;
  };

  return {
    parseLine(line) {
      const msg = parseJsonObject(line);
      if (!msg) return textOutput(line);
      switch (msg.type) {
        case 'thread.started': {
          const id = str(msg.thread_id);
          return id ? [{ type: 'resume_token', token: id }] : [];
        }
        case 'item.completed':
          return itemCompleted(obj(msg.item), (text) => {
            lastMessage = text;
          });
        case 'turn.completed': {
          const usage = obj(msg.usage);
          const events: CliEvent[] = [];
          if (usage) {
            events.push({
              type: 'usage',
              inputTokens: num(usage.input_tokens) ?? 0,
              outputTokens: num(usage.output_tokens) ?? 0,
            });
          }
          if (lastMessage !== null) events.push({ type: 'result', text: lastMessage });
          return events;
        }
        case 'turn.failed':
          return errorEvents(str(obj(msg.error)?.message) ?? 'turn failed');
        case 'error':
          return errorEvents(str(msg.message) ?? 'error');
        default:
          return [];
      }
    },
  };
}

function itemCompleted(item: Record<string, unknown> | undefined, onMessage: (text: string) => void): CliEvent[] {
  if (!item) return [];
  switch (item.type) {
    case 'agent_message': {
      const text = str(item.text) ?? '';
      onMessage(text);
      return textOutput(text);
    }
    case 'command_execution':
      return textOutput(`$ ${str(item.command) ?? ''} (exit ${num(item.exit_code) ?? '?'})`);
    case 'file_change':
      return textOutput('files changed');
    case 'error':
      return textOutput(str(item.message) ?? '');
    default:
      return [];
  }
}
