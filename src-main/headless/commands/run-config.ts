/**
 * Which daemons `nightshift run` starts: a config file, or the one-liner
 * `--agent "CMD ARGS"` (one daemon on the local queue with a command runtime).
 * Every failure here is a usage error (exit 2) raised before anything starts.
 */

import { resolveCommandPaths } from '../../core/command-paths';
import { type ParsedConfig, parseConfig } from '../../core/config';
import { agentShorthandConfig, loadConfigFile } from '../../core/config-file';
import { ValidationError } from '../../core/errors';
import { CliError, EXIT_USAGE } from './cli-error';
import { splitCommandLine } from './split-command-line';

export interface RunConfigOptions {
  config?: string;
  /** Repeatable: one string is split quote-aware; several are taken as argv as-is. */
  agent?: string[];
  /** Words after `--`: the agent command as argv, no splitting. */
  agentArgv?: string[];
  maxConcurrent?: number;
  /** What relative paths in the agent command are relative to (default: process.cwd()). */
  cwd?: string;
}

export const NO_CONFIG_HELP = [
  'run needs to know which agent to run. Either:',
  '  nightshift run --config nightshift.json        (daemons, sources and runtimes; see docs/cli.md)',
  '  nightshift run --agent "node agent.js"        (one daemon on the local queue; the prompt goes to stdin)',
  '  nightshift run -- claude -p {prompt}          (the same, with the agent command given as words)',
].join('\n');

export async function resolveRunConfig(options: RunConfigOptions): Promise<ParsedConfig> {
  const agentArgv = agentCommand(options);
  if (options.config && agentArgv) {
    throw new CliError('give either --config or an agent command (--agent / -- CMD), not both', EXIT_USAGE);
  }
  try {
    if (options.config) {
      if (options.maxConcurrent !== undefined) {
        throw new CliError(
          '--max-concurrent applies to --agent only; set maxConcurrent per daemon in the config file',
          EXIT_USAGE,
        );
      }
      return await loadConfigFile(options.config);
    }
    if (agentArgv) {
      // Relative paths mean the shell's cwd, where the user typed them (never the task's workspace).
      const resolved = await resolveCommandPaths(agentArgv, options.cwd ?? process.cwd());
      return parseConfig(agentShorthandConfig(resolved, options.maxConcurrent ?? 1), '--agent');
    }
  } catch (err) {
    if (err instanceof CliError) throw err;
    // ValidationError (names the key) and unreadable files: both mean nothing may start.
    throw new CliError((err as Error).message, EXIT_USAGE);
  }
  throw new CliError(NO_CONFIG_HELP, EXIT_USAGE);
}

function agentCommand(options: RunConfigOptions): string[] | null {
  const fromFlags = options.agent ?? [];
  const fromDashDash = options.agentArgv ?? [];
  if (fromFlags.length > 0 && fromDashDash.length > 0) {
    throw new CliError('give the agent command either with --agent or after --, not both', EXIT_USAGE);
  }
  if (fromDashDash.length > 0) return fromDashDash;
  if (fromFlags.length === 0) return null;
  let argv: string[];
  try {
    argv = fromFlags.length === 1 ? splitCommandLine(fromFlags[0]!) : fromFlags;
  } catch (err) {
    if (err instanceof ValidationError) throw new CliError(`--agent: ${err.message}`, EXIT_USAGE);
    throw err;
  }
  if (argv.length === 0 || argv[0] === '') throw new CliError('--agent: the command is empty', EXIT_USAGE);
  return argv;
}
