/**
 * Connects once through the real PostgreSQL source and prints "ok" or the
 * error: run in a child process whose environment the test chooses (no
 * $USER, as under cron or systemd).
 *
 * Run as: node --import tsx test/postgres/connect-once.ts '<connection string>'
 */
import { errorMessage } from '../../src-main/core/errors';
import { createPostgresSource } from '../../src-main/core/sources/postgres';

const connectionString = process.argv[2] ?? '';
const source = createPostgresSource(
  { kind: 'postgres', connectionString, queue: 'default', schema: 'nightshift', leaseMs: 60_000, reconcileIntervalMs: 1_800_000 },
  { daemon: 'connect-once', worker: 'connect-once' },
);
source
  .listClaimable()
  .then(
    () => process.stdout.write('ok\n'),
    (err: unknown) => process.stdout.write(`error: ${errorMessage(err)}\n`),
  )
  .finally(() => source.close());
