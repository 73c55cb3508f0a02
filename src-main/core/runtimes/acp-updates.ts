/**
 * An ACP session's `session/update` notifications as Nightshift events:
 * message chunks are joined into whole messages (one timeline row each, not
 * one per token), tool calls and their final status become timeline rows and
 * output lines. The last whole message is the run's summary.
 */
import type { SessionUpdate } from '@agentclientprotocol/sdk';
import { textOutput } from './cli-stream';
import type { AgentEvent } from './port';

const DETAIL_CHARS = 2000;

export interface AcpUpdateReader {
  onUpdate(update: SessionUpdate): AgentEvent[];
  /** Ends the message being assembled (turn over). */
  flush(): AgentEvent[];
  /** The agent's last whole message. */
  lastMessage(): string;
}

export function createAcpUpdateReader(): AcpUpdateReader {
  let message = '';
  /** How much of `message` was already shown as output lines. */
  let shown = 0;
  let last = '';
  const titles = new Map<string, string>();

  const endMessage = (): AgentEvent[] => {
    const text = message.trim();
    const rest = message.slice(shown);
    message = '';
    shown = 0;
    if (!text) return [];
    last = text;
    return [{ type: 'activity', kind: 'message', detail: clip(text) }, ...textOutput(rest)];
  };

  return {
    onUpdate(update) {
      switch (update.sessionUpdate) {
        case 'agent_message_chunk': {
          if (update.content.type !== 'text') return [];
          message += update.content.text;
          // Whole lines are shown as they arrive: the run visibly makes progress (stall detection).
          const end = message.lastIndexOf('\n');
          if (end < shown) return [];
          const lines = message.slice(shown, end).split('\n');
          shown = end + 1;
          return lines.flatMap(textOutput);
        }
        case 'tool_call': {
          const title = update.title || update.toolCallId;
          titles.set(update.toolCallId, title);
          const where = update.locations?.length ? ` (${update.locations.map((l) => l.path).join(', ')})` : '';
          return [
            ...endMessage(),
            { type: 'activity', kind: 'tool_call', detail: clip(`${update.kind ?? 'other'}: ${title}${where}`) },
            ...textOutput(`tool: ${title}`),
          ];
        }
        case 'tool_call_update': {
          if (update.status !== 'completed' && update.status !== 'failed') return endMessage();
          const title = update.title ?? titles.get(update.toolCallId) ?? update.toolCallId;
          return [...endMessage(), { type: 'activity', kind: 'tool_call', detail: clip(`${title}: ${update.status}`) }];
        }
        default:
          return [];
      }
    },
    flush: endMessage,
    lastMessage: () => last,
  };
}

function clip(text: string): string {
  return text.length > DETAIL_CHARS ? `${text.slice(0, DETAIL_CHARS - 1)}…` : text;
}
