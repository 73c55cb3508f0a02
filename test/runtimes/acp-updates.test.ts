/** How an ACP session's updates become events: whole lines as they stream, one timeline row per message or tool call. */
import type { SessionUpdate } from '@agentclientprotocol/sdk';
import { expect, it } from 'vitest';
import { createAcpUpdateReader } from '../../src-main/core/runtimes/acp-updates';

const chunk = (text: string): SessionUpdate => ({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text } });

it('streams whole lines as output while a message arrives, then records the message once', () => {
  const reader = createAcpUpdateReader();
  expect(reader.onUpdate(chunk('Reading the '))).toEqual([]);
  expect(reader.onUpdate(chunk('code.\nFound it'))).toEqual([{ type: 'output', stream: 'stdout', line: 'Reading the code.' }]);
  expect(
    reader.onUpdate({
      sessionUpdate: 'tool_call',
      toolCallId: 't1',
      title: 'Edit a.ts',
      kind: 'edit',
      locations: [{ path: '/w/a.ts' }],
    }),
  ).toEqual([
    { type: 'activity', kind: 'message', detail: 'Reading the code.\nFound it' },
    { type: 'output', stream: 'stdout', line: 'Found it' },
    { type: 'activity', kind: 'tool_call', detail: 'edit: Edit a.ts (/w/a.ts)' },
    { type: 'output', stream: 'stdout', line: 'tool: Edit a.ts' },
  ]);
  // In-progress updates say nothing new; the final status is recorded under the call's title.
  expect(reader.onUpdate({ sessionUpdate: 'tool_call_update', toolCallId: 't1', status: 'in_progress' })).toEqual([]);
  expect(reader.onUpdate({ sessionUpdate: 'tool_call_update', toolCallId: 't1', status: 'completed' })).toEqual([
    { type: 'activity', kind: 'tool_call', detail: 'Edit a.ts: completed' },
  ]);
  reader.onUpdate(chunk('Done.'));
  expect(reader.flush()).toEqual([
    { type: 'activity', kind: 'message', detail: 'Done.' },
    { type: 'output', stream: 'stdout', line: 'Done.' },
  ]);
  expect(reader.lastMessage()).toBe('Done.');
  expect(reader.flush()).toEqual([]);
});

it('ignores what is not the agent’s work (thoughts, usage, plans)', () => {
  const reader = createAcpUpdateReader();
  expect(reader.onUpdate({ sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text: 'hmm' } })).toEqual([]);
  expect(reader.onUpdate({ sessionUpdate: 'plan', entries: [] })).toEqual([]);
  expect(reader.flush()).toEqual([]);
});
