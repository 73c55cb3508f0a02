/**
 * Claude Code (`claude`, @anthropic-ai/claude-code 2.1.x): print mode with a
 * stream-json transcript; the prompt goes on stdin; `--resume <session_id>`
 * continues the conversation the previous run reported.
 */
import { execFile } from 'node:child_process';
import { createClaudeStreamParser } from './claude-parser';
import { type AgentCliConfig, type CliDefinition, cliPrompt, createCliRuntime } from './cli-runtime';
import { parseJsonObject } from './cli-stream';
import type { RuntimeOptions } from './command';
import type { Launch } from './launch';
import type { AgentRuntime } from './port';

export const claudeCli: CliDefinition = {
  binary: 'claude',
  installHint: 'install with: npm i -g @anthropic-ai/claude-code',
  invocation(spec, config) {
    const { prompt, resumeToken } = cliPrompt(spec);
    // stream-json in print mode requires --verbose; acceptEdits lets an unattended run edit files
    // (add "--dangerously-skip-permissions" through extraArgs to allow every tool; claude refuses
    // it when run as root, see docs/runtimes.md).
    const argv = ['--print', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits'];
    if (resumeToken) argv.push('--resume', resumeToken);
    if (config.model) argv.push('--model', config.model);
    argv.push(...config.extraArgs);
    return { argv, stdin: prompt };
  },
  createParser: createClaudeStreamParser,
  // errors[] of a resume whose conversation is gone: "No conversation found with session ID: …"
  resumeMissing: (error) => /No conversation found with session ID/i.test(error),
  checkLogin: claudeLoginCheck,
};

/**
 * `claude auth status` answers offline (exit 1 and `"loggedIn": false` when
 * logged out), so a logged-out Claude is found before any task is spawned.
 * Only a first-party login is judged: other providers (Bedrock, Vertex) and
 * anything unreadable pass.
 */
function claudeLoginCheck(launch: Launch, env: Record<string, string>): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      launch.program,
      [...launch.args, 'auth', 'status'],
      { timeout: 10_000, killSignal: 'SIGKILL', env, maxBuffer: 64 * 1024, windowsHide: true },
      (_err, stdout) => {
        const status = parseJsonObject(stdout);
        const loggedOut = status?.loggedIn === false && (status.apiProvider ?? 'firstParty') === 'firstParty';
        resolve(loggedOut ? 'Not logged in · run `claude` and /login (claude auth status)' : null);
      },
    );
  });
}

export function createClaudeRuntime(config: AgentCliConfig, options?: RuntimeOptions): AgentRuntime {
  return createCliRuntime(claudeCli, config, options);
}
