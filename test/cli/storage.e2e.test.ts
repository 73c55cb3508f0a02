/**
 * Storage faults through the real CLI: a read-only database is refused at
 * start with one line (nothing reaches "running"); a damaged one too, naming
 * `nightshift doctor`, which then repairs it.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { chmod, chown, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DB_FILE_NAME } from '../../src-main/core/store/db';
import { assertBuilt, BIN, cli, cliOk, FAKE_AGENT, ROOT, tempDir } from './harness';

let dir: string;
beforeAll(() => assertBuilt());
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const NOBODY = 65534;

/** `nightshift run` as `uid` (root runs it as nobody: root may write any file, whatever its mode). */
function runAs(uid: number | undefined, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'run', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: dir, LANG: 'C' },
      ...(uid !== undefined ? { uid, gid: NOBODY } : {}),
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('storage faults at start (real CLI)', () => {
  it('a read-only database: refuses with one line, never "running"', async () => {
    dir = await tempDir('ro');
    const dataDir = join(dir, 'data');
    await cliOk(['task', 'add', '--data-dir', dataDir, 'hello sleep=10']);
    const db = join(dataDir, DB_FILE_NAME);
    let uid: number | undefined;
    if (process.getuid?.() === 0) {
      // Everything but the database becomes nobody's; the database stays root's, 0644: readable, not writable.
      uid = NOBODY;
      await chown(dir, NOBODY, NOBODY);
      await chown(dataDir, NOBODY, NOBODY);
      for (const name of await readdir(dataDir)) if (name !== DB_FILE_NAME) await chown(join(dataDir, name), NOBODY, NOBODY);
      await chmod(db, 0o644);
    } else {
      await chmod(db, 0o444);
    }
    const result = await runAs(uid, ['--data-dir', dataDir, '--', process.execPath, FAKE_AGENT]);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/running \d+ daemon/);
    const lines = result.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(
      /^nightshift: the database .*nightshift\.db cannot be written \(.*\); check its permissions and the disk, then start again$/,
    );
  }, 60_000);

  it('a database whose header page is destroyed: run refuses naming doctor; doctor keeps a copy and, with no backup, says it cannot repair it', async () => {
    dir = await tempDir('doctor');
    const dataDir = join(dir, 'data');
    for (let i = 0; i < 3; i++) await cliOk(['task', 'add', '--data-dir', dataDir, `task ${i} sleep=10`]);
    // Page 1 holds the header and the schema: nothing of this file can be read any more.
    const fd = openSync(join(dataDir, DB_FILE_NAME), 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 0);
    closeSync(fd);

    const refused = await cli(['run', '--data-dir', dataDir, '--', process.execPath, FAKE_AGENT]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n').at(-1)).toMatch(
      /^nightshift: the database .* is damaged \(.*\); run "nightshift doctor" to repair it$/,
    );

    // No backup was ever taken (run never started): doctor cannot rebuild and says so.
    const failed = await cli(['doctor', '--data-dir', dataDir]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /damaged and not repaired: nothing could be read and there is no backup \(a copy is in .*damaged-/,
    );
  }, 60_000);

  it('doctor rebuilds a database with a damaged table page and reports what it recovered', async () => {
    dir = await tempDir('doctor2');
    const dataDir = join(dir, 'data');
    for (let i = 0; i < 3; i++) await cliOk(['task', 'add', '--data-dir', dataDir, `task ${i} sleep=10`]);
    expect(await cliOk(['doctor', '--data-dir', dataDir])).toMatch(/nightshift\.db: integrity ok\n$/);
    // Damage the tasks table's page (found with dbstat before the damage).
    const path = join(dataDir, DB_FILE_NAME);
    const reader = new Database(path, { readonly: true });
    const { pageno } = reader.prepare(`SELECT pageno FROM dbstat WHERE name = 'tasks' AND pagetype = 'leaf'`).get() as {
      pageno: number;
    };
    reader.close();
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, (pageno - 1) * 4096);
    closeSync(fd);
    const out = await cliOk(['doctor', '--data-dir', dataDir]);
    expect(out).toMatch(/damaged \(/);
    expect(out).toMatch(/kept a copy of the damaged files in .*damaged-/);
    expect(out).toMatch(/rebuilt from the readable rows; integrity ok/);
    // The three tasks shared the damaged page; the rest of the database (schema, other tables) came through.
    expect(out).toMatch(/ {2}tasks: 0 row\(s\) recovered, \d+ damaged stretch\(es\) skipped/);
    expect(await cliOk(['tasks', '--data-dir', dataDir])).not.toMatch(/task 0/);
    expect(await cliOk(['doctor', '--data-dir', dataDir])).toMatch(/integrity ok\n$/);
  }, 60_000);
});
