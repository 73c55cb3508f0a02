/**
 * Gemini CLI (`gemini`, @google/gemini-cli 0.61): headless `--prompt` with
 * `--output-format stream-json`; `--resume <session_id>` continues the
 * session the previous run reported in its `init` event.
 */
import type { AgentRuntime } from '../types';
import { type AgentCliConfig, type CliDefinition, cliPrompt, createCliRuntime } from './cli-runtime';
import type { RuntimeOptions } from './command';
import { createGeminiStreamParser } from './gemini-parser';

export const geminiCli: CliDefinition = {
  binary: 'gemini',
  installHint: 'install with: npm i -g @google/gemini-cli',
  invocation(spec, config) {
    const { prompt, resumeToken } = cliPrompt(spec);
    // The prompt travels as one argv element (no shell, so it arrives intact); stdin stays empty
    // because gemini appends stdin to --prompt. auto_edit lets an unattended run edit files.
    const argv = ['--output-format', 'stream-json', '--approval-mode', 'auto_edit'];
    if (resumeToken) argv.push('--resume', resumeToken);
    if (config.model) argv.push('--model', config.model);
    argv.push(...config.extraArgs, '--prompt', prompt);
    return { argv, stdin: '' };
  },
  createParser: createGeminiStreamParser,
};

export function createGeminiRuntime(config: AgentCliConfig, options?: RuntimeOptions): AgentRuntime {
  return createCliRuntime(geminiCli, config, options);
}
