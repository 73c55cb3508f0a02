/**
 * An OpenAI-compatible chat-completions endpoint on 127.0.0.1 that a real
 * agent CLI can use as its model provider (Copilot's BYOK:
 * COPILOT_PROVIDER_BASE_URL): it lets the real binary run a whole turn
 * offline. Each request is recorded; the reply is computed from the
 * conversation, or the server answers 429 like a rate-limited provider.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatMessage {
  role: string;
  content: unknown;
}

export interface ModelProvider {
  baseUrl: string;
  requests: { messages: ChatMessage[] }[];
  /** 'answer': stream `reply(messages)`; 'rate_limited': HTTP 429. */
  mode: 'answer' | 'rate_limited';
  close(): Promise<void>;
}

/** The user's own text in a message (the CLI prefixes context such as `<current_datetime>`). */
export function textOf(message: ChatMessage): string {
  if (typeof message.content === 'string') return message.content;
  if (Array.isArray(message.content)) return message.content.map((p) => (p as { text?: string }).text ?? '').join('');
  return '';
}

/** What the model says next: text, or a call of one of the CLI's tools (streamed as `tool_calls`). */
export type ModelReply = string | { tool: string; arguments: Record<string, unknown> };

export async function startModelProvider(reply: (messages: ChatMessage[]) => ModelReply): Promise<ModelProvider> {
  const provider: ModelProvider = { baseUrl: '', requests: [], mode: 'answer', close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      const request = JSON.parse(body || '{}') as { model?: string; stream?: boolean; messages?: ChatMessage[] };
      const messages = request.messages ?? [];
      provider.requests.push({ messages });
      if (provider.mode === 'rate_limited') {
        // A long Retry-After, as a provider whose limit lasts, makes the CLI give up at once instead of retrying.
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3600' });
        res.end(
          JSON.stringify({ error: { message: 'Rate limit exceeded', type: 'rate_limit_error', code: 'rate_limit_exceeded' } }),
        );
        return;
      }
      const answer = reply(messages);
      const usage = { prompt_tokens: 120, completion_tokens: 4, total_tokens: 124 };
      if (typeof answer !== 'string') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const call = {
          index: 0,
          id: `call_${provider.requests.length}`,
          type: 'function',
          function: { name: answer.tool, arguments: JSON.stringify(answer.arguments) },
        };
        const chunk = { id: 'c1', object: 'chat.completion.chunk', created: 1, model: request.model };
        res.write(
          `data: ${JSON.stringify({ ...chunk, choices: [{ index: 0, delta: { role: 'assistant', tool_calls: [call] }, finish_reason: null }] })}\n\n`,
        );
        res.write(
          `data: ${JSON.stringify({ ...chunk, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }], usage })}\n\n`,
        );
        res.end('data: [DONE]\n\n');
        return;
      }
      const text = answer;
      if (!request.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        const choice = { index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' };
        res.end(
          JSON.stringify({ id: 'c1', object: 'chat.completion', created: 1, model: request.model, choices: [choice], usage }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: object, finish: string | null, extra: object = {}) =>
        res.write(
          `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: request.model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`,
        );
      chunk({ role: 'assistant', content: '' }, null);
      chunk({ content: text }, null);
      chunk({}, 'stop', { usage });
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  provider.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  provider.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return provider;
}
