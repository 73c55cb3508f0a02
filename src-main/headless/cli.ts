/**
 * Entry of the headless `nightshift` CLI (built to out/main/cli.js, started by
 * bin/nightshift.js). Never imports 'electron'. Errors end as one line on
 * stderr and an exit code: 2 for bad usage or configuration, 1 otherwise.
 */
import { CommanderError } from 'commander';
import { CliError } from './commands/cli-error';
import { buildProgram } from './commands/program';

const VERSION = '0.1.0';

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram(VERSION).exitOverride();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help / --version, or a usage error commander already printed.
      return err.exitCode === 0 ? 0 : 2;
    }
    // ApiCallError, matched by name: importing its module would load the contract (and zod) up front.
    if (err instanceof Error && err.name === 'ApiCallError' && (err as { code?: unknown }).code === 'bad_request') {
      // The instance (or the offline core) refused a value we passed on: bad usage.
      process.stderr.write(`nightshift: ${err.message}\n`);
      return 2;
    }
    if (err instanceof CliError) {
      process.stderr.write(`nightshift: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`nightshift: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`nightshift: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
