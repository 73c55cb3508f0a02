/**
 * GitHub Copilot CLI's `--output-format json` stream (JSONL; shapes from the
 * CLI's bundled `copilot-sdk/generated/session-events.d.ts`, recorded in
 * test/fixtures/samples/copilot-*): every line is `{type, data, id, ...}`.
 * `user.message` means the session exists on disk (resumable);
 * `assistant.message` carries a whole reply (the answer is the last one);
 * `session.error` carries `errorType` ("rate_limit", "quota",
 * "authentication", "query", ...) and a human `message`; the final `result`
 * line carries `sessionId` and `exitCode`.
 */
import type { CliEvent, CliStreamParser } from './cli-stream';
import { num, obj, parseJsonObject, str, textOutput } from './cli-stream';
import { findResetTime } from './reset-time';

/** `session.error` types that mean "wait for the limit to reset" (ErrorData.errorType in the SDK). */
const LIMIT_TYPES = new Set(['rate_limit', 'quota']);

/**
 * @param knownSessionId the id passed as `--session-id` for a new session:
 *   reported as soon as the CLI has recorded the prompt, so that a run killed
 *   before its `result` line can still be resumed.
 */
export function createCopilotStreamParser(now: () => number, knownSessionId?: string): CliStreamParser {
  let answer = '';
  let reportedSession: string | null = null;
  let transportError: string | undefined;
  const resumeToken = (id: string | undefined): CliEvent[] => {
    if (!id || id === reportedSession) return [];
    reportedSession = id;
    return [{ type: 'resume_token', token: id }];
  };

  return {
    parseLine(line) {
      const msg = parseJsonObject(line);
      if (!msg) return textOutput(line);
      const data = obj(msg.data) ?? {};
      switch (msg.type) {
        case 'user.message':
          return resumeToken(knownSessionId);
        case 'assistant.message': {
          const text = str(data.content) ?? '';
          if (text.trim()) answer = text;
          return textOutput(text);
        }
        case 'tool.execution_start':
          return textOutput(`tool: ${str(data.toolName) ?? '?'}`);
        case 'assistant.usage':
          return [{ type: 'usage', inputTokens: num(data.inputTokens) ?? 0, outputTokens: num(data.outputTokens) ?? 0 }];
        case 'session.info': {
          const text = str(data.message) ?? '';
          // "Response was interrupted due to a server error. Retrying..." (infoType model_retry, recorded):
          // shown, but not progress (stall detection).
          return data.infoType === 'model_retry' ? [{ type: 'retry', message: text }] : textOutput(text);
        }
        case 'model.call_final_result':
          if (data.result === 'success') transportError = undefined;
          return [];
        case 'model.call_failure':
          // The transport's own words ("… Connection refused (os error 111) [ECONNREFUSED]"), for the error that follows.
          if (data.failureKind === 'transport') transportError = unquote(str(data.errorMessage));
          return [];
        case 'session.error':
          return errorEvents(data, now, transportError);
        case 'result': {
          const events = resumeToken(str(msg.sessionId));
          if (msg.exitCode === 0) events.push({ type: 'result', text: answer.trim() });
          return events;
        }
        default:
          return [];
      }
    },
  };
}

function errorEvents(data: Record<string, unknown>, now: () => number, transportError?: string): CliEvent[] {
  const reported = (str(data.message) ?? 'Copilot CLI reported an error').trim();
  // "Could not connect to local model provider …" says where, the transport says why: keep both.
  const message = transportError && data.errorType === 'query' ? `${reported} (${transportError})` : reported;
  const events: CliEvent[] = [];
  const type = str(data.errorType) ?? '';
  if (LIMIT_TYPES.has(type)) {
    // "(current limit resets in ~12 minutes)": the "~" would hide the number from the duration reader.
    const resetAt = findResetTime(message.replace(/~\s*/g, ''), now());
    events.push({ type: 'rate_limit', message, ...(resetAt !== undefined ? { resetAt } : {}) });
  }
  events.push({ type: 'error', message });
  return events;
}

function unquote(text: string | undefined): string | undefined {
  return text?.replace(/^"(.*)"$/s, '$1');
}
