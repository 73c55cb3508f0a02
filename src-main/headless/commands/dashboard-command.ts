/**
 * `nightshift dashboard [--new-token]`: the dashboard's address for this data
 * dir, and rotating its token. The token outlives runs (dashboard-token.ts);
 * rotating it locks out every browser holding the old one at once: a running
 * instance watches the token file and switches (run-dashboard.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { CliError } from './cli-error';

export function registerDashboardCommand(program: Command): void {
  program
    .command('dashboard')
    .description("print the dashboard's URL (the token lives as long as the data dir); --new-token replaces the token")
    .option('--new-token', 'write a new token: the old one stops working at once (also in a running instance)')
    .option('--data-dir <dir>', 'data directory (default: $NIGHTSHIFT_HOME or the platform app data dir)')
    .action(async (opts: { newToken?: boolean; dataDir?: string }) => {
      const [
        { readControlSecret },
        { dashboardTokenPath, readDashboardToken, writeNewDashboardToken },
        dirs,
        { DASHBOARD_PORT_FILE_NAME },
      ] = await Promise.all([
        import('../../api/control/secret'),
        import('../dashboard-token'),
        import('../../core/store/data-dir'),
        import('./run-dashboard'),
      ]);
      const { ensurePrivateDataDir, resolveDataDir } = dirs;
      const dataDir = resolveDataDir(opts.dataDir);
      let token: string | null;
      if (opts.newToken) {
        await ensurePrivateDataDir(dataDir);
        token = await writeNewDashboardToken(dataDir);
        process.stderr.write(`new dashboard token written to ${dashboardTokenPath(dataDir)}\n`);
        if ((await readControlSecret(dataDir)) !== null) {
          process.stderr.write('the running instance switches to it now: dashboards open with the old token are disconnected\n');
        }
      } else {
        token = await readDashboardToken(dataDir);
        if (token === null) {
          throw new CliError(`no dashboard token in ${dataDir} yet; "nightshift run --dashboard" creates one`);
        }
      }
      const port = (await readFile(join(dataDir, DASHBOARD_PORT_FILE_NAME), 'utf8').catch(() => '')).trim();
      process.stdout.write(port ? `http://127.0.0.1:${port}/?token=${token}\n` : `token: ${token}\n`);
    });
}
