/**
 * The parsers and interpreters over output recorded from the real CLIs
 * offline (test/fixtures/samples/real, see its README): each case ends as the
 * real CLI made it end, and is classified as the environment failure it is.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claudeCli } from '../../src-main/core/runtimes/claude';
import type { CliDefinition } from '../../src-main/core/runtimes/cli-runtime';
import { createCliInterpreter } from '../../src-main/core/runtimes/cli-stream';
import { codexCli } from '../../src-main/core/runtimes/codex';
import { copilotCli } from '../../src-main/core/runtimes/copilot';
import { geminiCli } from '../../src-main/core/runtimes/gemini';
import type { AgentEvent, AgentOutcome } from '../../src-main/core/runtimes/port';
import { SAMPLES } from './helpers';

const REAL = join(SAMPLES, 'real');
const NOW = Date.UTC(2026, 11, 3, 10, 0);

/** Replays a recorded case: stdout lines, then stderr lines, then the recorded exit (or a stall stop). */
function replay(
  cli: CliDefinition,
  name: string,
  exitCode: number | 'stalled',
  folder = REAL,
): { outcome: AgentOutcome; events: AgentEvent[] } {
  const interpreter = createCliInterpreter(
    cli.createParser(() => NOW, { argv: [] }),
    () => NOW,
    cli.classifyExit,
  );
  const events: AgentEvent[] = [];
  const read = (suffix: string) => {
    const path = join(folder, `${name}${suffix}`);
    return existsSync(path)
      ? readFileSync(path, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
      : [];
  };
  for (const line of read('.jsonl')) events.push(...interpreter.onLine('stdout', line));
  for (const line of read('.stderr.txt')) events.push(...interpreter.onLine('stderr', line));
  const outcome =
    exitCode === 'stalled'
      ? (interpreter.stalled?.() ?? { kind: 'stopped', reason: 'stalled' })
      : interpreter.outcome({ code: exitCode, signal: null });
  return { outcome, events };
}

describe('claude 2.1.332, recorded offline', () => {
  it('logged out: an auth environment failure with the CLI’s words', () => {
    expect(replay(claudeCli, 'claude-logged-out', 1).outcome).toEqual({
      kind: 'environment',
      cause: 'auth',
      message: 'Not logged in · Please run /login',
    });
  });

  it('a fake key with no network: only api_retry lines (not progress); stopped, it is a network failure', () => {
    const { outcome, events } = replay(claudeCli, 'claude-offline-fake-key', 'stalled');
    const retries = events.filter((e) => e.type === 'output' && e.retry);
    expect(retries.length).toBeGreaterThan(3);
    expect(outcome).toMatchObject({ kind: 'environment', cause: 'network' });
  });

  it('a resume of a session that no longer exists: the reason from errors[], and the runtime starts over', () => {
    const { outcome } = replay(claudeCli, 'claude-resume-missing', 1);
    expect(outcome).toMatchObject({
      kind: 'failed',
      error: expect.stringMatching(/^No conversation found with session ID: 1111/),
    });
    expect(claudeCli.resumeMissing!(outcome.kind === 'failed' ? outcome.error : '')).toBe(true);
  });
});

describe('codex 0.171.0, recorded offline', () => {
  it('no network: "Reconnecting... waiting for network" only; stopped, it is a network failure', () => {
    const { outcome, events } = replay(codexCli, 'codex-offline', 'stalled');
    expect(events.some((e) => e.type === 'resume_token')).toBe(true);
    expect(outcome).toMatchObject({
      kind: 'environment',
      cause: 'network',
      message: expect.stringMatching(/^Reconnecting\.\.\. waiting for network/),
    });
  });

  it('a resume of a thread that no longer exists starts over', () => {
    const { outcome } = replay(codexCli, 'codex-resume-missing', 1);
    expect(outcome.kind).toBe('failed');
    expect(codexCli.resumeMissing!(outcome.kind === 'failed' ? outcome.error : '')).toBe(true);
    if (outcome.kind === 'failed')
      expect(outcome.error).toMatch(/^Error: thread\/resume: thread\/resume failed: no rollout found/);
  });

  it('`exec resume --sandbox` (what an unsplit extraArgs did): the first error line, not the usage, and a CLI failure', () => {
    expect(replay(codexCli, 'codex-resume-sandbox-refused', 2).outcome).toEqual({
      kind: 'environment',
      cause: 'cli',
      message: "error: unexpected argument '--sandbox' found",
    });
  });
});

describe('gemini 0.61.0, recorded offline', () => {
  it('logged out: exit 41 is an auth failure with the CLI’s words', () => {
    expect(replay(geminiCli, 'gemini-logged-out', 41).outcome).toMatchObject({
      kind: 'environment',
      cause: 'auth',
      message: expect.stringMatching(/^Please set an Auth method/),
    });
  });

  it('untrusted folder: exit 55, ANSI stripped, the hint kept', () => {
    const { outcome } = replay(geminiCli, 'gemini-untrusted', 55);
    expect(outcome).toMatchObject({ kind: 'environment', cause: 'trust' });
    if (outcome.kind === 'environment') {
      expect(outcome.message).toMatch(/^Gemini CLI is not running in a trusted directory.*--skip-trust/);
      expect(outcome.message).not.toContain('\x1b[');
    }
  });

  it('a fake key with no network: retries on stderr; stopped, it is a network failure', () => {
    const { outcome } = replay(geminiCli, 'gemini-offline-fake-key', 'stalled');
    expect(outcome).toMatchObject({ kind: 'environment', cause: 'network' });
  });

  it('"--prompt" "- item" was refused by the parser (the first line says so); "--prompt=- item" arrives intact', () => {
    expect(replay(geminiCli, 'gemini-dash-prompt-as-value', 1).outcome).toMatchObject({
      kind: 'environment',
      cause: 'cli',
      message: 'Not enough arguments following: prompt',
    });
    const user = readFileSync(join(REAL, 'gemini-dash-prompt.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((e) => e.type === 'message' && e.role === 'user');
    expect(user.content).toBe('- item one');
  });

  it('a resume with no recorded reply: exit 42, and the runtime starts over', () => {
    const { outcome } = replay(geminiCli, 'gemini-resume-missing', 42);
    const text = outcome.kind === 'failed' ? outcome.error : outcome.kind === 'environment' ? outcome.message : '';
    expect(geminiCli.resumeMissing!(text)).toBe(true);
  });
});

describe('copilot 1.0.102, recorded offline (test/fixtures/samples/copilot-*)', () => {
  it('logged out: an auth environment failure with the CLI’s first line', () => {
    expect(replay(copilotCli, 'copilot-unauthenticated', 1, SAMPLES).outcome).toEqual({
      kind: 'environment',
      cause: 'auth',
      message: 'Error: No authentication information found.',
    });
  });

  it('a token and no network: "could not be validated … network fetch failed" is the network, not the task', () => {
    expect(replay(copilotCli, 'copilot-token-no-network', 1, SAMPLES).outcome).toEqual({
      kind: 'environment',
      cause: 'network',
      message: 'Error: Authentication token found but could not be validated.',
    });
  });

  it('its model provider unreachable: retries (not progress), then a network failure with the transport’s words', () => {
    const { outcome, events } = replay(copilotCli, 'copilot-provider-unreachable', 1, SAMPLES);
    expect(events.filter((e) => e.type === 'output' && e.retry)).toHaveLength(5);
    expect(outcome).toMatchObject({ kind: 'environment', cause: 'network', message: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('a resume of a session it no longer has: exit 1, and the runtime starts over', () => {
    const { outcome } = replay(copilotCli, 'copilot-resume-unknown', 1, SAMPLES);
    const text = outcome.kind === 'failed' ? outcome.error : outcome.kind === 'environment' ? outcome.message : '';
    expect(text).toMatch(/^Error: No session, task, or name matched/);
    expect(copilotCli.resumeMissing!(text)).toBe(true);
  });
});
