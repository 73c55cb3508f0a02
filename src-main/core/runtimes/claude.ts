/**
 * Claude Code (`claude`, @anthropic-ai/claude-code 2.1.x): print mode with a
 * stream-json transcript; the prompt goes on stdin; `--resume <session_id>`
 * continues the conversation the previous run reported.
 */
import type { AgentRuntime } from '../types';
import { createClaudeStreamParser } from './claude-parser';
import { type AgentCliConfig, type CliDefinition, cliPrompt, createCliRuntime } from './cli-runtime';
import type { RuntimeOptions } from './command';

export const claudeCli: CliDefinition = {
  binary: 'claude',
  installHint: 'install with: npm i -g @anthropic-ai/claude-code',
  invocation(spec, config) {
    const { prompt, resumeToken } = cliPrompt(spec);
    // stream-json in print mode requires --verbose; acceptEdits lets an unattended run edit files
    // (add "--dangerously-skip-permissions" through extraArgs to allow every tool).
    const argv = ['--print', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits'];
    if (resumeToken) argv.push('--resume', resumeToken);
    if (config.model) argv.push('--model', config.model);
    argv.push(...config.extraArgs);
    return { argv, stdin: prompt };
  },
  createParser: createClaudeStreamParser,
};

export function createClaudeRuntime(config: AgentCliConfig, options?: RuntimeOptions): AgentRuntime {
  return createCliRuntime(claudeCli, config, options);
}
