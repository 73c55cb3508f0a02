/** The `nightshift` command tree; cli.ts only runs it. */
import { Command } from 'commander';
import { registerControlCommands } from './control-commands';
import { registerDashboardCommand } from './dashboard-command';
import { registerDoctorCommand } from './doctor';
import { registerRunCommand } from './run';

export function buildProgram(version: string): Command {
  const program = new Command('nightshift')
    .description('Run local coding-agent daemons headless, and control a running instance.')
    .version(version)
    .showHelpAfterError('(add --help for usage)')
    // Before the subcommands exist: they copy it, so their usage errors also throw (exit 2) instead of exiting 1.
    .exitOverride();
  registerRunCommand(program);
  registerControlCommands(program);
  registerDashboardCommand(program);
  registerDoctorCommand(program);
  return program;
}
