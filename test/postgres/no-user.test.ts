/**
 * A connection string that names no user (`postgresql:///db?host=/socket`)
 * must work where `$USER` is unset (cron, systemd units, containers): libpq
 * then uses the operating system's user name, and so must we. Run in a child
 * process whose environment has neither USER nor PGUSER, against the real
 * server's peer authentication.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { describePg, PG_SOCKET_DIR, useTestDatabase } from '../support/postgres';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./connect-once.ts', import.meta.url));

describePg('connection string without a user', () => {
  const db = useTestDatabase();

  it('connects with $USER and $PGUSER unset, as the OS user', async () => {
    const connectionString = `postgresql:///${db.current.name}?host=${encodeURIComponent(PG_SOCKET_DIR)}`;
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    if (process.env.HOME) env.HOME = process.env.HOME;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script, connectionString], { env, timeout: 30_000 });
    expect(stdout.trim()).toBe('ok');
  }, 40_000);
});
