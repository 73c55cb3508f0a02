/**
 * The hooks every CLI e2e file repeated: the build check, a fresh temp dir and
 * data dir per test, and every `nightshift run` it started killed after.
 * Apart from harness.ts, which scripts outside vitest (the crash harness,
 * Playwright) import too.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach } from 'vitest';
import { assertBuilt, killIfRunning, type RunningInstance, startRun, tempDir } from './harness';

/** A temp dir and a data dir inside it, fresh per test, and every `nightshift run` started there stopped after. */
export interface CliSandbox {
  readonly dir: string;
  readonly dataDir: string;
  /** `nightshift run ARGS --data-dir <dataDir>`, killed after the test if it is still running. */
  run(args: string[]): Promise<RunningInstance>;
}

/** Registers the hooks (build check, fresh dirs per test, cleanup) of a CLI e2e file. */
export function cliSandbox(prefix: string): CliSandbox {
  let dir = '';
  let instances: RunningInstance[] = [];
  beforeAll(() => assertBuilt());
  beforeEach(async () => {
    dir = await tempDir(prefix);
    instances = [];
  });
  afterEach(async () => {
    instances.forEach(killIfRunning);
    await rm(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    get dataDir() {
      return join(dir, 'data');
    },
    async run(args) {
      const instance = await startRun([...args, '--data-dir', join(dir, 'data')]);
      instances.push(instance);
      return instance;
    },
  };
}
