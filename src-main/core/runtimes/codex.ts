/**
 * Codex CLI (`codex`, @openai/codex 0.169): `exec --json` prints JSONL
 * events; `-` reads the prompt from stdin; `exec resume <thread_id>`
 * continues the thread the previous run reported.
 */
import type { AgentRuntime } from '../types';
import { type AgentCliConfig, type CliDefinition, cliPrompt, createCliRuntime } from './cli-runtime';
import { createCodexStreamParser } from './codex-parser';
import type { RuntimeOptions } from './command';

export const codexCli: CliDefinition = {
  binary: 'codex',
  installHint: 'install with: npm i -g @openai/codex',
  invocation(spec, config) {
    const { prompt, resumeToken } = cliPrompt(spec);
    // `-c sandbox_mode=…` rather than `--sandbox`: `exec resume` accepts only the former.
    // --skip-git-repo-check: a task may run in a plain temp dir.
    const options = ['--json', '--skip-git-repo-check', '-c', 'sandbox_mode=workspace-write'];
    if (config.model) options.push('--model', config.model);
    options.push(...config.extraArgs);
    const argv = resumeToken ? ['exec', 'resume', ...options, resumeToken, '-'] : ['exec', ...options, '-'];
    return { argv, stdin: prompt };
  },
  createParser: createCodexStreamParser,
};

export function createCodexRuntime(config: AgentCliConfig, options?: RuntimeOptions): AgentRuntime {
  return createCliRuntime(codexCli, config, options);
}
