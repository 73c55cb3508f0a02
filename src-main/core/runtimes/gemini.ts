/**
 * Gemini CLI (`gemini`, @google/gemini-cli 0.61): headless `--prompt=<text>`
 * with `--output-format stream-json`; `--resume <session_id>` continues the
 * session the previous run reported in its `init` event.
 */

import { type AgentCliConfig, type CliDefinition, cliPrompt, createCliRuntime } from './cli-runtime';
import type { RuntimeOptions } from './command';
import { createGeminiStreamParser } from './gemini-parser';
import type { AgentRuntime } from './port';

/** Exit codes of gemini 0.61 that name the environment (FatalAuthenticationError, untrusted folder). */
export const GEMINI_EXIT_AUTH = 41;
export const GEMINI_EXIT_UNTRUSTED = 55;

export const geminiCli: CliDefinition = {
  binary: 'gemini',
  installHint: 'install with: npm i -g @google/gemini-cli',
  invocation(spec, config) {
    const { prompt, resumeToken } = cliPrompt(spec);
    // --skip-trust: every Nightshift workspace is a folder gemini never saw, so it is
    // untrusted; without it 0.61 refuses headless runs (exit 55) and downgrades auto_edit.
    // auto_edit lets an unattended run edit files.
    const argv = ['--skip-trust', '--output-format', 'stream-json', '--approval-mode', 'auto_edit'];
    if (resumeToken) argv.push('--resume', resumeToken);
    if (config.model) argv.push('--model', config.model);
    // `--prompt=<text>` in one element: as a separate value, a prompt starting with "-" (a
    // Markdown list) is read as an option ("Not enough arguments following: prompt").
    // stdin stays empty because gemini appends stdin to --prompt.
    argv.push(...config.extraArgs, `--prompt=${prompt}`);
    return { argv, stdin: '' };
  },
  createParser: createGeminiStreamParser,
  classifyExit(code) {
    if (code === GEMINI_EXIT_AUTH) return 'auth';
    if (code === GEMINI_EXIT_UNTRUSTED) return 'trust';
    return null;
  },
  // "Error resuming session: No previous sessions found for this project." (exit 42): no
  // reply was recorded yet, or the session is gone.
  resumeMissing: (error) => /Error resuming session|Invalid session identifier|No previous sessions found/i.test(error),
};

export function createGeminiRuntime(config: AgentCliConfig, options?: RuntimeOptions): AgentRuntime {
  return createCliRuntime(geminiCli, config, options);
}
