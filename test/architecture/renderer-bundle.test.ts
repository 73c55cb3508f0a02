/**
 * The renderer ships only what crosses the process boundary (src-shared/):
 * builds the renderer bundle in memory with the app's own Vite config and
 * checks that no module of src-main/ went into it, and that the config-file
 * schema (src-main/core/config.ts, whose messages such as "needs at least the
 * program to run" are a sure sign of it) is not in the shipped code.
 */
import { relative, resolve } from 'node:path';
import { build, type Rolldown } from 'vite';
import { describe, expect, it } from 'vitest';
import appConfig from '../../electron.vite.config';

const root = resolve(__dirname, '../..');

async function buildRenderer(): Promise<Rolldown.OutputChunk[]> {
  const renderer = (appConfig as { renderer: Record<string, unknown> & { build: object } }).renderer;
  const result = await build({
    ...renderer,
    configFile: false,
    logLevel: 'silent',
    build: { ...renderer.build, write: false, emptyOutDir: false },
  });
  const outputs = Array.isArray(result) ? result : [result];
  return outputs.flatMap((o) => ('output' in o ? o.output : [])).filter((c): c is Rolldown.OutputChunk => c.type === 'chunk');
}

describe('renderer bundle', () => {
  it('holds no module of src-main and not the config schema', async () => {
    const chunks = await buildRenderer();
    expect(chunks.length).toBeGreaterThan(0);
    const modules = chunks.flatMap((c) => c.moduleIds).map((id) => relative(root, id));
    // The bundle does contain the shared contract: the check below looks at the right list.
    expect(modules).toContain('src-shared/contract.ts');
    expect(modules.filter((m) => m.startsWith('src-main/'))).toEqual([]);
    for (const chunk of chunks) expect(chunk.code).not.toContain('needs at least the program to run');
  });
});
