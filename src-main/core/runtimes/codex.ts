/**
 * Codex CLI (`codex`, @openai/codex 0.171): `exec --json` prints JSONL
 * events; `-` reads the prompt from stdin; `exec resume <thread_id>`
 * continues the thread the previous run reported.
 */

import { type AgentCliConfig, type CliDefinition, cliPrompt, createCliRuntime } from './cli-runtime';
import { createCodexStreamParser } from './codex-parser';
import type { RuntimeOptions } from './command';
import type { AgentRuntime } from './port';

/**
 * `exec` options that codex 0.171's `exec resume` refuses ("error: unexpected
 * argument"), with how many values each takes (from both `--help` texts).
 */
const EXEC_ONLY_OPTIONS: Record<string, number> = {
  '--add-dir': 1,
  '-C': 1,
  '--cd': 1,
  '--oss': 0,
  '--local-provider': 1,
  '--approve-for-me': 0,
  '--color': 1,
};
/** `exec` options resume accepts only as config keys. */
const AS_CONFIG_KEY: Record<string, string> = {
  '--sandbox': 'sandbox_mode',
  '-s': 'sandbox_mode',
  '--profile': 'profile',
  '-p': 'profile',
};

/**
 * The arguments for `exec resume` when the config gives none: extraArgs with
 * `--sandbox X` as `-c sandbox_mode=X`, `--profile X` as `-c profile=X` (forms resume accepts) and
 * the exec-only options left out (the resumed thread keeps its directories).
 */
export function codexResumeArgs(extraArgs: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < extraArgs.length; i++) {
    const arg = extraArgs[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const key = AS_CONFIG_KEY[flag];
    if (key) {
      const value = inline ?? extraArgs[++i];
      if (value !== undefined) out.push('-c', `${key}=${value}`);
      continue;
    }
    const skip = EXEC_ONLY_OPTIONS[flag];
    if (skip !== undefined) {
      if (inline === undefined) i += skip;
      continue;
    }
    out.push(arg);
  }
  return out;
}

export const codexCli: CliDefinition = {
  binary: 'codex',
  installHint: 'install with: npm i -g @openai/codex',
  invocation(spec, config) {
    const { prompt, resumeToken } = cliPrompt(spec);
    // `-c sandbox_mode=…` rather than `--sandbox`: `exec resume` accepts only the former.
    // --skip-git-repo-check: a task may run in a plain temp dir.
    const options = ['--json', '--skip-git-repo-check', '-c', 'sandbox_mode=workspace-write'];
    if (config.model) options.push('--model', config.model);
    if (resumeToken) {
      const extra =
        config.kind === 'codex' && config.resumeExtraArgs ? config.resumeExtraArgs : codexResumeArgs(config.extraArgs);
      return { argv: ['exec', 'resume', ...options, ...extra, resumeToken, '-'], stdin: prompt };
    }
    return { argv: ['exec', ...options, ...config.extraArgs, '-'], stdin: prompt };
  },
  createParser: createCodexStreamParser,
  // "thread/resume failed: no rollout found for thread id …" (exit 1)
  resumeMissing: (error) => /no rollout found|thread\/resume failed/i.test(error),
};

export function createCodexRuntime(config: AgentCliConfig, options?: RuntimeOptions): AgentRuntime {
  return createCliRuntime(codexCli, config, options);
}
