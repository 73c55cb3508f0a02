/**
 * Storage faults with real, really damaged SQLite files: a database corrupted
 * under a running core stops its loops at once with a notice; `doctor`
 * rebuilds a damaged file from its readable rows (or restores the newest
 * backup when nothing can be read); daily backups keep the newest three.
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src-main/core/clock';
import { parseConfig } from '../../src-main/core/config';
import type { Notice } from '../../src-main/core/core-events';
import { createSupervisor } from '../../src-main/core/create-supervisor';
import { createStreamLogger } from '../../src-main/core/log';
import { backupIfDue, listBackups } from '../../src-main/core/store/backup';
import { DB_FILE_NAME, openDatabase } from '../../src-main/core/store/db';
import { doctorDatabase, integrityProblems } from '../../src-main/core/store/doctor';
import { tempDirsPerTest } from '../support/temp-dir';

const tempDir = tempDirsPerTest();
const FAKE_AGENT = resolve(__dirname, '../fixtures/fake-agent.mjs');
const DAY = 24 * 60 * 60 * 1000;

/** A database with `count` local tasks (2 KB prompts), checkpointed and closed. */
function seededDatabase(dataDir: string, count: number): string {
  const path = join(dataDir, DB_FILE_NAME);
  const db = openDatabase(path);
  const insert = db.prepare(
    `INSERT INTO tasks (id, seq, queue, title, prompt, status, created_at, updated_at) VALUES (?, ?, 'default', ?, ?, 'todo', ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < count; i++)
      insert.run(`t_${i}`, i + 1, `task ${i}`, `prompt ${i} ${'x'.repeat(2000)}`, '2026-01-01', '2026-01-01');
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return path;
}

/** Leaf pages of `table` (dbstat), read before damaging them. */
function leafPages(path: string, table: string): number[] {
  const db = new Database(path, { readonly: true });
  try {
    return (
      db.prepare(`SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno`).all(table) as {
        pageno: number;
      }[]
    ).map((r) => r.pageno);
  } finally {
    db.close();
  }
}

/** Overwrites whole pages with garbage: what a bad disk sector or a stray write does. */
function damagePages(path: string, pages: number[], pageSize = 4096): void {
  const fd = openSync(path, 'r+');
  try {
    const garbage = Buffer.alloc(pageSize, 0xa5);
    for (const page of pages) writeSync(fd, garbage, 0, pageSize, (page - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
}

describe('doctor', () => {
  it('a sound database: integrity ok, nothing touched', async () => {
    const dataDir = tempDir();
    const path = seededDatabase(dataDir, 10);
    const before = readFileSync(path);
    expect(await doctorDatabase(dataDir, Date.UTC(2026, 0, 2))).toEqual({ status: 'ok', path });
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('a database with damaged pages: keeps a copy, rebuilds from every readable row, integrity ok afterwards', async () => {
    const dataDir = tempDir();
    const path = seededDatabase(dataDir, 600);
    const leaves = leafPages(path, 'tasks');
    expect(leaves.length).toBeGreaterThan(100);
    const damaged = [leaves[40]!, leaves[41]!, leaves[200]!];
    damagePages(path, damaged);
    expect(integrityProblems(path)).not.toEqual([]);
    const damagedBytes = readFileSync(path);

    const result = await doctorDatabase(dataDir, Date.UTC(2026, 0, 2));
    expect(result.status).toBe('recovered');
    if (result.status !== 'recovered') return;
    expect(readFileSync(join(result.keptCopy, DB_FILE_NAME)).equals(damagedBytes)).toBe(true);
    expect(integrityProblems(path)).toEqual([]);
    const tasks = result.tables.find((t) => t.table === 'tasks')!;
    // Two prompts of 2 KB fill a 4 KB leaf at most: three damaged leaves lose a handful of rows, not the rest.
    expect(tasks.copied).toBeGreaterThanOrEqual(590);
    expect(tasks.copied).toBeLessThan(600);
    expect(tasks.unreadable).toBeGreaterThan(0);
    const db = openDatabase(path);
    expect((db.prepare('SELECT count(*) AS n FROM tasks').get() as { n: number }).n).toBe(tasks.copied);
    expect(db.prepare('SELECT id FROM tasks WHERE id = ?').get('t_599')).toBeTruthy();
    db.close();
  });

  it('a file whose header is destroyed: restores the newest backup', async () => {
    const dataDir = tempDir();
    const path = seededDatabase(dataDir, 20);
    const db = openDatabase(path);
    await backupIfDue(db, dataDir, Date.UTC(2026, 0, 1));
    db.close();
    damagePages(path, [1]);
    const result = await doctorDatabase(dataDir, Date.UTC(2026, 0, 2));
    expect(result).toMatchObject({ status: 'restored', backup: join(dataDir, 'backups', 'nightshift-2026-01-01.db') });
    expect(integrityProblems(path)).toEqual([]);
    const reopened = openDatabase(path);
    expect((reopened.prepare('SELECT count(*) AS n FROM tasks').get() as { n: number }).n).toBe(20);
    reopened.close();
  });

  it('a destroyed file with no backup: fails, says so, and keeps the copy', async () => {
    const dataDir = tempDir();
    const path = seededDatabase(dataDir, 5);
    damagePages(path, [1]);
    const result = await doctorDatabase(dataDir, Date.UTC(2026, 0, 2));
    expect(result).toMatchObject({ status: 'failed', reason: 'nothing could be read and there is no backup' });
    expect(result.status === 'failed' && result.keptCopy && existsSync(join(result.keptCopy, DB_FILE_NAME))).toBe(true);
  });

  it('opening a damaged database refuses with one line naming doctor', () => {
    const dataDir = tempDir();
    const path = seededDatabase(dataDir, 5);
    damagePages(path, [1]);
    expect(() => openDatabase(path)).toThrow(/^the database .* is damaged \(.*\); run "nightshift doctor" to repair it$/);
  });
});

describe('daily backups', () => {
  it('one per UTC day through the backup API, the newest three kept, each a sound copy', async () => {
    const dataDir = tempDir();
    const path = seededDatabase(dataDir, 50);
    const db = openDatabase(path);
    const clock = new FakeClock(Date.UTC(2026, 0, 1, 9));
    expect(await backupIfDue(db, dataDir, clock.now())).toBe(join(dataDir, 'backups', 'nightshift-2026-01-01.db'));
    await clock.advance(3 * 60 * 60 * 1000);
    expect(await backupIfDue(db, dataDir, clock.now())).toBeNull(); // same day
    for (let day = 0; day < 4; day++) {
      await clock.advance(DAY);
      db.prepare('DELETE FROM tasks WHERE id = ?').run(`t_${day}`);
      expect(await backupIfDue(db, dataDir, clock.now())).not.toBeNull();
    }
    const kept = await listBackups(dataDir);
    expect(kept.map((p) => p.split('/').pop())).toEqual([
      'nightshift-2026-01-05.db',
      'nightshift-2026-01-04.db',
      'nightshift-2026-01-03.db',
    ]);
    const newest = new Database(kept[0]!, { readonly: true });
    expect((newest.prepare('SELECT count(*) AS n FROM tasks').get() as { n: number }).n).toBe(46);
    newest.close();
    expect(integrityProblems(kept[2]!)).toEqual([]);
    db.close();
  });
});

describe('a database damaged while the core runs', () => {
  it('logs at once, stops every loop, and sends a storage_fault notice; agents are not killed', async () => {
    const dir = tempDir();
    const dataDir = join(dir, 'data');
    await mkdir(dataDir, { recursive: true });
    const path = seededDatabase(dataDir, 1500); // ~4 MB: more than SQLite keeps cached
    const { config } = parseConfig({
      daemons: [
        {
          name: 'local',
          source: { kind: 'local', queue: 'default' },
          runtime: {
            kind: 'command',
            command: [process.execPath, FAKE_AGENT],
            env: { FAKE_AGENT_LOG: join(dir, 'agents.jsonl') },
          },
          maxConcurrent: 1,
          pollIntervalMs: 200,
          maxIdleBackoffMs: 400,
          paused: true,
        },
      ],
    });
    const lines: string[] = [];
    const core = await createSupervisor({ dataDir, config, logger: createStreamLogger((l) => lines.push(l), 'info') });
    const notices: Notice[] = [];
    core.on('notice', (n) => notices.push(n));
    try {
      const loop = core.daemons.get('local')!.loop;
      damagePages(path, leafPages(path, 'tasks'));
      // Forget the cached pages, so the next read goes to the damaged file.
      (core as unknown as { options: { db: Database.Database } }).options.db.pragma('shrink_memory');
      loop.wake();
      for (let i = 0; i < 100 && notices.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(notices).toEqual([
        expect.objectContaining({ kind: 'storage_fault', title: 'Nightshift stopped: its database failed' }),
      ]);
      expect(notices[0]!.body).toMatch(/malformed|corrupt/i);
      expect(notices[0]!.body).toContain('nightshift doctor');
      expect(core.storageFault).toMatch(/malformed/);
      expect(lines.filter((l) => l.includes('the database failed'))).toHaveLength(1);
      expect(loop.isRunning).toBe(false);
      expect(loop.nextTickAt).toBeNull();
    } finally {
      await core.stop({ agentGraceMs: 500 });
    }
  });
});
