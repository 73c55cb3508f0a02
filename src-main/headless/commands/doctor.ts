/**
 * `nightshift doctor`: checks the data dir's database and repairs a damaged
 * one (store/doctor.ts). It takes the data dir's lock first, so it never
 * touches a database a running instance has open. Exit 0 when the database
 * is sound or was repaired, 1 when it could not be.
 */
import type { Command } from 'commander';
import { CliError } from './cli-error';

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check the database; when damaged, keep a copy and rebuild it from what can be read (or the last backup)')
    .option('--data-dir <dir>', 'the data directory')
    .action(async (opts: { dataDir?: string }) => {
      // Loaded on use, so that other commands' start-up never pays for the store (see bench/cli.ts).
      const [{ errorMessage }, { doctorDatabase }, { acquireInstanceLock, InstanceLockedError }, { resolveDataDir }] =
        await Promise.all([
          import('../../core/errors'),
          import('../../core/store/doctor'),
          import('../../core/store/instance-lock'),
          import('../../core/store/data-dir'),
        ]);
      const dataDir = resolveDataDir(opts.dataDir);
      let lock: Awaited<ReturnType<typeof acquireInstanceLock>>;
      try {
        lock = await acquireInstanceLock(dataDir);
      } catch (err) {
        if (err instanceof InstanceLockedError) throw new CliError(`${err.message}; stop it before running doctor`);
        throw new CliError(`cannot lock ${dataDir}: ${errorMessage(err)}`);
      }
      try {
        const result = await doctorDatabase(dataDir, Date.now());
        const say = (line: string) => process.stdout.write(`${line}\n`);
        switch (result.status) {
          case 'ok':
            say(`${result.path}: integrity ok`);
            return;
          case 'missing':
            say(`${result.path}: no database yet (nothing to check)`);
            return;
          case 'recovered': {
            say(`${result.path}: damaged (${summarize(result.problems)})`);
            say(`kept a copy of the damaged files in ${result.keptCopy}`);
            for (const t of result.tables) {
              say(
                `  ${t.table}: ${t.copied} row(s) recovered${t.unreadable ? `, ${t.unreadable} damaged stretch(es) skipped` : ''}`,
              );
            }
            say('rebuilt from the readable rows; integrity ok');
            return;
          }
          case 'restored':
            say(`${result.path}: damaged (${summarize(result.problems)})`);
            say(`kept a copy of the damaged files in ${result.keptCopy}`);
            say(`nothing could be read; restored the backup ${result.backup}`);
            return;
          case 'failed':
            throw new CliError(`${result.path}: damaged and not repaired: ${result.reason} (a copy is in ${result.keptCopy})`);
        }
      } finally {
        lock.release();
      }
    });
}

function summarize(problems: string[]): string {
  const first = problems[0] ?? 'unknown';
  return problems.length > 1 ? `${first}; and ${problems.length - 1} more` : first;
}
