/**
 * `nightshift run`: the daemons in the foreground. Order matters:
 * config first (a bad one exits 2 with nothing created), then the data dir's
 * exclusive lock (store/instance-lock.ts; the tray app takes the same one),
 * then the control socket, then the database and loops. SIGINT/SIGTERM stop
 * gracefully: agents get SIGTERM and a grace period, their sessions stay
 * resumable for the next start, and the process exits 0.
 */
import { TUNING_LIMITS } from '@shared/tuning-limits';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { RunOptions } from './run-foreground';

function positiveInt(name: string, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`${name} must be an integer from 1 to ${max}`);
    return n;
  };
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run the daemons in the foreground (Ctrl-C stops them gracefully)')
    .argument('[agent-command...]', 'after --: the agent command as words, e.g. -- node agent.js')
    .option('--config <file>', 'config file (JSON, see docs/cli.md)')
    .option('--data-dir <dir>', 'data directory (default: $NIGHTSHIFT_HOME or the platform app data dir)')
    .option(
      '--agent <command>',
      'without --config: one daemon on the local queue running this command (quote-aware, no shell)',
      collect,
    )
    .option(
      '--max-concurrent <n>',
      'with --agent: agents at once (default 1)',
      positiveInt('--max-concurrent', TUNING_LIMITS.maxConcurrent.max),
    )
    .option('--dashboard', 'also serve the dashboard on 127.0.0.1 (prints its URL with the access token)')
    .option(
      '--port <n>',
      "with --dashboard: the port (default: the last run's when free, else a free one)",
      positiveInt('--port', 65_535),
    )
    .addOption(new Option('--log-level <level>', 'stderr log level').choices(['debug', 'info', 'warn', 'error']).default('info'))
    .action(async (agentArgv: string[], opts: RunOptions) => {
      // The core, sources and runtimes load only now: other commands never pay for them.
      const { runForeground } = await import('./run-foreground');
      await runForeground(agentArgv, opts);
    });
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
