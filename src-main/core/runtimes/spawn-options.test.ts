/**
 * Windows: a detached child gets a console window of its own unless spawned
 * with `windowsHide`. Every process the core starts for an agent — the
 * wrapper, the agent under it, an ACP conversation — must ask for that. The
 * real spawn runs (this is Linux, where the option is ignored); the test only
 * records the options it was given.
 */
import type * as childProcess from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FAKE_AGENT, tempDir } from '../../../test/runtimes/helpers';

const seen = vi.hoisted(() => [] as { program: string; options: childProcess.SpawnOptions }[]);
vi.mock('node:child_process', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:child_process')>();
  return {
    ...real,
    spawn: (program: string, args: readonly string[], options: childProcess.SpawnOptions) => {
      seen.push({ program, options });
      return real.spawn(program, args, options);
    },
  };
});

const { spawnAgentProcess } = await import('./agent-process');
const { WRAPPER_SOURCE } = await import('./agent-wrapper');
const { buildAgentEnv } = await import('./agent-env');

describe('spawn options', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ path: dir, cleanup } = await tempDir());
    seen.length = 0;
  });
  afterEach(() => cleanup());

  it('the agent wrapper is spawned hidden, detached, without a shell', async () => {
    const proc = spawnAgentProcess({
      argv: [process.execPath, FAKE_AGENT],
      stdin: 'hello',
      cwd: dir,
      env: buildAgentEnv({ taskId: 't_1', sessionId: 's_1' }),
      logPath: join(dir, 'session.log'),
      runDir: join(dir, 'run'),
      onLine: () => {},
    });
    await proc.exited;
    expect(seen[0]!.options).toMatchObject({ windowsHide: true, detached: true, shell: false });
  });

  it('the wrapper spawns the agent hidden too', () => {
    expect(WRAPPER_SOURCE).toContain("{ stdio: ['pipe', out, err], env, windowsHide: true }");
  });
});
