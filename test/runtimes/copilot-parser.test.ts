/** The Copilot CLI parser over its recorded JSONL (test/fixtures/samples/README.md says where each came from). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliEvent } from '../../src-main/core/runtimes/cli-stream';
import { createCopilotStreamParser } from '../../src-main/core/runtimes/copilot-parser';
import { SAMPLES } from './helpers';

const NOW = Date.UTC(2026, 10, 25, 8, 0, 0);

async function parse(name: string, knownSessionId?: string): Promise<CliEvent[]> {
  const parser = createCopilotStreamParser(() => NOW, knownSessionId);
  const text = await readFile(join(SAMPLES, name), 'utf8');
  return text.split('\n').flatMap((line) => (line ? parser.parseLine(line) : []));
}
const ofType = <T extends CliEvent['type']>(events: CliEvent[], type: T) =>
  events.filter((e): e is Extract<CliEvent, { type: T }> => e.type === type);

describe('copilot --output-format json parser', () => {
  it('a real successful turn: the answer, the session id from the result line', async () => {
    const events = await parse('copilot-success.jsonl');
    expect(ofType(events, 'result')).toEqual([{ type: 'result', text: 'Done: hello' }]);
    expect(ofType(events, 'resume_token')).toEqual([{ type: 'resume_token', token: 'a4c7f6d1-0a3c-45ab-97f8-67ada87306a0' }]);
    expect(ofType(events, 'output').map((e) => e.line)).toEqual(['Done: hello']);
    expect(ofType(events, 'error')).toEqual([]);
  });

  it('the id chosen with --session-id is reported once the prompt is recorded, and only once', async () => {
    const events = await parse('copilot-resume.jsonl', '11111111-2222-4333-8444-555555555555');
    expect(ofType(events, 'resume_token')).toEqual([{ type: 'resume_token', token: '11111111-2222-4333-8444-555555555555' }]);
    // …before anything the model said.
    expect(events.findIndex((e) => e.type === 'resume_token')).toBeLessThan(events.findIndex((e) => e.type === 'output'));
  });

  it('a real provider 429: a rate limit with the CLI’s message and no known reset; no result', async () => {
    const events = await parse('copilot-rate-limit-429.jsonl');
    expect(ofType(events, 'rate_limit')).toEqual([{ type: 'rate_limit', message: '429 Rate limit exceeded' }]);
    expect(ofType(events, 'error')).toEqual([{ type: 'error', message: '429 Rate limit exceeded' }]);
    expect(ofType(events, 'result')).toEqual([]);
  });

  it('GitHub’s own limit texts: weekly reset instant, "resets in ~N minutes", a monthly quota without a time', async () => {
    const limits = ofType(await parse('copilot-limits.jsonl'), 'rate_limit');
    expect(limits.map((l) => l.resetAt)).toEqual([Date.UTC(2026, 10, 27, 9, 0, 0), NOW + 12 * 60_000, undefined]);
  });

  it('a provider that cannot be reached: retries, then the error with its transport cause, not a rate limit', async () => {
    const events = await parse('copilot-provider-unreachable.jsonl');
    // The retries (session.info model_retry) are not progress: stall detection ignores them.
    expect(ofType(events, 'retry').filter((e) => /Retrying/.test(e.message))).toHaveLength(5);
    expect(ofType(events, 'output').filter((e) => /Retrying/.test(e.line))).toEqual([]);
    // Where (the CLI's message) and why (the transport's own words).
    const [error] = ofType(events, 'error');
    expect(error?.message).toMatch(/^Could not connect to local model provider at http:\/\/127\.0\.0\.1:9\/v1\./);
    expect(error?.message).toMatch(/\(Failed native model HTTP request: .*\[ECONNREFUSED\]\)$/);
    expect(ofType(events, 'rate_limit')).toEqual([]);
  });
});
