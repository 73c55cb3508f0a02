/**
 * GitHub Copilot CLI (`copilot`, @github/copilot 1.0.x): non-interactive
 * `--prompt=<text>` with `--output-format json` (JSONL). A new session gets
 * an id we choose (`--session-id=<uuid>`, so it is known before the run
 * ends); `--resume=<id>` continues it. `--allow-all-tools` (every tool,
 * shell included, without asking) is what the CLI requires for
 * non-interactive runs; its file-path verification is left on.
 */
import { randomUUID } from 'node:crypto';
import { type AgentCliConfig, type CliDefinition, cliPrompt, createCliRuntime } from './cli-runtime';
import type { RuntimeOptions } from './command';
import { createCopilotStreamParser } from './copilot-parser';
import type { AgentRuntime } from './port';

export const copilotCli: CliDefinition = {
  binary: 'copilot',
  installHint: 'install with: npm i -g @github/copilot',
  invocation(spec, config) {
    const { prompt, resumeToken } = cliPrompt(spec);
    const sessionId = resumeToken ?? randomUUID();
    // --no-auto-update: an unattended run must not download a new CLI; --no-ask-user: nobody is there
    // to answer. `=` forms so that a value starting with "-" (a Markdown list prompt) stays a value.
    const argv = ['--output-format', 'json', '--allow-all-tools', '--no-auto-update', '--no-ask-user'];
    argv.push(resumeToken ? `--resume=${resumeToken}` : `--session-id=${sessionId}`);
    if (config.model) argv.push('--model', config.model);
    argv.push(...config.extraArgs, `--prompt=${prompt}`);
    return { argv, stdin: '', sessionId };
  },
  createParser: (now, invocation) => createCopilotStreamParser(now, invocation.sessionId),
  // `--resume=<id>` of a session the CLI no longer has (exit 1, recorded): start over with the task.
  resumeMissing: (error) => /No session, task, or name matched/i.test(error),
};

export function createCopilotRuntime(config: AgentCliConfig, options?: RuntimeOptions): AgentRuntime {
  return createCliRuntime(copilotCli, config, options);
}
