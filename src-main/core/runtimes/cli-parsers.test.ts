/** Parser tests over recorded samples (test/fixtures/samples/README.md says where each came from). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLES } from '../../../test/runtimes/helpers';
import { createClaudeStreamParser } from './claude-parser';
import type { CliEvent, CliStreamParser } from './cli-stream';
import { createCodexStreamParser } from './codex-parser';
import { createGeminiStreamParser } from './gemini-parser';

const NOW = Date.UTC(2026, 10, 25, 8, 0, 0);

async function parseSample(name: string, create: (now: () => number) => CliStreamParser): Promise<CliEvent[]> {
  const parser = create(() => NOW);
  const text = await readFile(join(SAMPLES, name), 'utf8');
  return text.split('\n').flatMap((line) => (line ? parser.parseLine(line) : []));
}
const ofType = <T extends CliEvent['type']>(events: CliEvent[], type: T) =>
  events.filter((e): e is Extract<CliEvent, { type: T }> => e.type === type);

describe('claude stream-json parser', () => {
  it('reads session id, result, cost and usage from a successful run', async () => {
    const events = await parseSample('claude-success.jsonl', createClaudeStreamParser);
    expect(ofType(events, 'resume_token')[0]?.token).toMatch(/^[0-9a-f-]{36}$/);
    expect(ofType(events, 'result')).toEqual([{ type: 'result', text: 'Done: Fix the login bug' }]);
    expect(ofType(events, 'usage')).toEqual([{ type: 'usage', inputTokens: 142, outputTokens: 40, costUsd: 0.0123 }]);
    expect(ofType(events, 'output').map((e) => e.line)).toEqual(['tool: Edit', 'Done: Fix the login bug']);
    expect(ofType(events, 'error')).toEqual([]);
  });

  it('takes the exact resetsAt of a rejected rate_limit_event over the prose', async () => {
    const events = await parseSample('claude-rate-limit.jsonl', createClaudeStreamParser);
    const limits = ofType(events, 'rate_limit');
    expect(limits.map((l) => l.resetAt)).toEqual([1_795_000_000_000, 1_795_000_000_000]);
    expect(ofType(events, 'error')[0]?.message).toBe("You've hit your session limit · resets 3pm");
  });

  it('reads the legacy "usage limit reached|<epoch>" result', async () => {
    const events = await parseSample('claude-legacy-usage-limit.jsonl', createClaudeStreamParser);
    expect(ofType(events, 'rate_limit')).toEqual([
      { type: 'rate_limit', message: 'Claude AI usage limit reached|1795000000', resetAt: 1_795_000_000_000 },
    ]);
  });

  it('reports the real not-logged-in run as an error with the CLI message, not a rate limit', async () => {
    const events = await parseSample('claude-unauthenticated.jsonl', createClaudeStreamParser);
    expect(ofType(events, 'error')).toEqual([{ type: 'error', message: 'Not logged in · Please run /login' }]);
    expect(ofType(events, 'rate_limit')).toEqual([]);
    expect(ofType(events, 'resume_token')[0]?.token).toBe('7bcc6ce8-6cd2-493e-b18d-bcd6410ef36a');
  });

  it('shows non-JSON lines as output and ignores unknown event types', () => {
    const parser = createClaudeStreamParser(() => NOW);
    expect(parser.parseLine('plain text')).toEqual([{ type: 'output', stream: 'stdout', line: 'plain text' }]);
    expect(parser.parseLine('{"type":"user","message":{}}')).toEqual([]);
    expect(parser.parseLine('{"type":"result", broken')).toEqual([
      { type: 'output', stream: 'stdout', line: '{"type":"result", broken' },
    ]);
  });
});

describe('codex exec --json parser', () => {
  it('reads thread id, final agent message and usage', async () => {
    const events = await parseSample('codex-success.jsonl', createCodexStreamParser);
    expect(ofType(events, 'resume_token')).toHaveLength(1);
    expect(ofType(events, 'result')).toEqual([{ type: 'result', text: 'Done: Fix the login bug' }]);
    expect(ofType(events, 'usage')).toEqual([{ type: 'usage', inputTokens: 2400, outputTokens: 310 }]);
    expect(ofType(events, 'output').map((e) => e.line)).toContain('$ bash -lc ls (exit 0)');
  });

  it('reads a usage limit with its "try again at" time', async () => {
    const events = await parseSample('codex-usage-limit.jsonl', createCodexStreamParser);
    const limits = ofType(events, 'rate_limit');
    expect(limits.length).toBeGreaterThan(0);
    // The fake prints the reset at minute resolution in local time.
    expect(Math.abs(limits[0]!.resetAt! - 1_795_000_000_000)).toBeLessThan(60_000);
    expect(ofType(events, 'error')[0]?.message).toMatch(/^You've hit your usage limit\./);
  });

  it('treats the real offline "Reconnecting..." errors as retries (not failure, not progress)', async () => {
    const events = await parseSample('codex-offline-reconnect.jsonl', createCodexStreamParser);
    expect(ofType(events, 'error')).toEqual([]);
    expect(ofType(events, 'resume_token')).toEqual([{ type: 'resume_token', token: '01a211dc-6cf3-7a63-8808-72c19e19d6dc' }]);
    expect(ofType(events, 'retry').length + ofType(events, 'output').length).toBe(5);
    expect(ofType(events, 'retry').every((e) => /^Reconnecting\.\.\./.test(e.message))).toBe(true);
  });

  it('"try again at 3:45 PM" resolves to the next 3:45 PM', () => {
    const parser = createCodexStreamParser(() => NOW);
    const [limit] = parser.parseLine(
      JSON.stringify({ type: 'error', message: "You've hit your usage limit. Upgrade to Plus, or try again at 3:45 PM." }),
    );
    const expected = new Date(NOW);
    expected.setHours(15, 45, 0, 0);
    if (expected.getTime() <= NOW) expected.setDate(expected.getDate() + 1);
    expect(limit).toMatchObject({ type: 'rate_limit', resetAt: expected.getTime() });
  });
});

describe('gemini stream-json parser', () => {
  it('reads session id, the answer from assistant deltas, and stats', async () => {
    const events = await parseSample('gemini-success.jsonl', createGeminiStreamParser);
    expect(ofType(events, 'resume_token')).toHaveLength(1);
    expect(ofType(events, 'result')).toEqual([{ type: 'result', text: 'Done: Fix the login bug' }]);
    expect(ofType(events, 'usage')).toEqual([{ type: 'usage', inputTokens: 500, outputTokens: 30 }]);
  });

  it('reads a quota error with "Please retry in" as a rate limit with its reset', async () => {
    const events = await parseSample('gemini-quota.jsonl', createGeminiStreamParser);
    expect(ofType(events, 'rate_limit')).toEqual([
      { type: 'rate_limit', message: expect.stringContaining('Please retry in 38.2s'), resetAt: NOW + 38_200 },
    ]);
    expect(ofType(events, 'resume_token')[0]?.token).toBe('5b0c1f4e-2d7a-4c0e-9a51-2f5d8e3c9b10');
  });

  it('reads a daily quota as a rate limit without a known reset', async () => {
    const events = await parseSample('gemini-daily-quota.jsonl', createGeminiStreamParser);
    expect(ofType(events, 'rate_limit')).toEqual([
      { type: 'rate_limit', message: 'You have exhausted your daily quota on this model.' },
    ]);
  });
});
