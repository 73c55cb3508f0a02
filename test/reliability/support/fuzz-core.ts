/**
 * The target of the fuzzers: a real core (createCore over a temp data
 * dir, real SQLite file) with its real contract handlers, and a second,
 * read-only connection to the same file that tells whether anything was
 * committed: `PRAGMA data_version` changes on that connection whenever another
 * connection commits, so "nothing was written" is exact, not sampled.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { NightshiftCore } from '../../../src-main/api/core-api';
import { createCore } from '../../../src-main/api/create-core';
import { parseConfig } from '../../../src-main/core/config';
import { DB_FILE_NAME } from '../../../src-main/core/store/db';

export const FAKE_AGENT = resolve(__dirname, '..', '..', 'fixtures', 'fake-agent.mjs');
export const DAEMON = 'local';

export interface DbFingerprint {
  dataVersion: number;
  /** Rows per table: a second, independent witness. */
  rows: Record<string, number>;
}

export interface FuzzCore {
  core: NightshiftCore;
  dataDir: string;
  fingerprint(): DbFingerprint;
  close(): Promise<void>;
}

export async function startFuzzCore(): Promise<FuzzCore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nightshift-fuzz-'));
  const { config } = parseConfig({
    daemons: [
      {
        name: DAEMON,
        source: { kind: 'local', queue: 'default' },
        runtime: { kind: 'command', command: [process.execPath, FAKE_AGENT], promptVia: 'stdin' },
        maxConcurrent: 2,
      },
    ],
  });
  // No loops: fuzzed tasks must stay in the queue so that listTasks can read them back, and no agent may run.
  const core = await createCore({ dataDir, config, startLoops: false });
  const reader = new Database(join(dataDir, DB_FILE_NAME), { readonly: true });
  const tables = (
    reader.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]
  ).map((t) => t.name);
  const counters = tables.map((t) => [t, reader.prepare(`SELECT COUNT(*) AS n FROM "${t}"`)] as const);
  return {
    core,
    dataDir,
    fingerprint() {
      const rows: Record<string, number> = {};
      for (const [table, stmt] of counters) rows[table] = (stmt.get() as { n: number }).n;
      return { dataVersion: reader.pragma('data_version', { simple: true }) as number, rows };
    },
    async close() {
      reader.close();
      await core.stop({ agentGraceMs: 100 });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
