/**
 * Lists carry a preview of each task's text (the first 2 KB); the full text
 * is one getTask away. Through the real core's handlers over a real database.
 */
import { join } from 'node:path';
import { PROMPT_PREVIEW_CHARS } from '@shared/task';
import { afterEach, describe, expect, it } from 'vitest';
import type { NightshiftCore } from '../../src-main/api/core-api';
import { createCore } from '../../src-main/api/create-core';
import { parseConfig } from '../../src-main/core/config';
import { tempDirsPerTest } from '../support/temp-dir';

const tempDir = tempDirsPerTest();
let core: NightshiftCore | null = null;
afterEach(async () => {
  await core?.stop();
  core = null;
});

describe('task text in lists', () => {
  it('listTasks carries the first 2 KB and says it was cut; getTask returns all of it; short texts are whole', async () => {
    const { config } = parseConfig({
      daemons: [
        {
          name: 'local',
          source: { kind: 'local', queue: 'default' },
          runtime: { kind: 'command', command: ['true'] },
          paused: true,
        },
      ],
    });
    core = await createCore({ dataDir: join(tempDir(), 'data'), config, startLoops: false });
    const api = core.handlers;
    const big = await api.addTask({ prompt: `big ${'z'.repeat(999_000)}` });
    const small = await api.addTask({ prompt: 'small task' });

    const listed = await api.listTasks({});
    const bigListed = listed.find((t) => t.id === big.id)!;
    expect(bigListed.prompt).toHaveLength(PROMPT_PREVIEW_CHARS);
    expect(bigListed.promptTruncated).toBe(true);
    expect(JSON.stringify(listed).length).toBeLessThan(10_000);
    expect(listed.find((t) => t.id === small.id)).toMatchObject({ prompt: 'small task' });
    expect(listed.find((t) => t.id === small.id)!.promptTruncated).toBeUndefined();

    const full = await api.getTask({ id: big.id });
    expect(full.prompt).toHaveLength(999_004);
    expect(full.promptTruncated).toBeUndefined();
    await expect(Promise.resolve().then(() => api.getTask({ id: 'nope' }))).rejects.toThrow(/no task "nope"/);
  });
});
