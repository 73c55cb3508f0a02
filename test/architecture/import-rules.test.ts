/**
 * The import rules of `npm run lint` (.dependency-cruiser.cjs) bite: a small
 * tree with one import against each rule fails with that rule's name, and
 * the same tree without them passes. Runs the real dependency-cruiser through
 * scripts/depcruise.mjs, as the lint script does.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');

/** A tree that follows the rules: shared ← core ← api ← shell; shared ← renderer. */
const CLEAN: Record<string, string> = {
  'src-shared/contract.ts': "import { z } from 'zod';\nexport const ok = z.string();\n",
  'src-main/core/loop.ts': "import { ok } from '../../src-shared/contract';\nexport const loop = ok;\n",
  'src-main/api/handlers.ts': "import { loop } from '../core/loop';\nexport const handlers = loop;\n",
  'src-main/shell/window.ts': "import 'electron';\nimport { handlers } from '../api/handlers';\nexport const w = handlers;\n",
  'src-renderer/src/view.ts': "import { ok } from '../../src-shared/contract';\nexport const view = ok;\n",
};

/** One import against each rule (and a cycle). */
const VIOLATIONS: Record<string, { file: string; text: string }> = {
  'renderer-imports-shared-only': { file: 'src-renderer/src/bad.ts', text: "import { loop } from '../../src-main/core/loop';\n" },
  'core-below-api': { file: 'src-main/core/bad.ts', text: "import { handlers } from '../api/handlers';\n" },
  'electron-only-in-the-shell': { file: 'src-main/core/bad-electron.ts', text: "import 'electron';\n" },
  'api-below-shells': { file: 'src-main/api/bad.ts', text: "import { w } from '../shell/window';\n" },
  'shared-depends-on-zod-only': { file: 'src-shared/bad.ts', text: "import { loop } from '../src-main/core/loop';\n" },
  'no-circular': { file: 'src-main/core/cycle-a.ts', text: "import { b } from './cycle-b';\nexport const a = b;\n" },
};
const CYCLE_B = { 'src-main/core/cycle-b.ts': "import { a } from './cycle-a';\nexport const b = () => a;\n" };

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nightshift-depcruise-'));
  // The rules, with module resolution from the real node_modules (zod, electron) and no tsconfig of the project.
  await writeFile(
    join(dir, '.dependency-cruiser.cjs'),
    `const base = require(${JSON.stringify(join(ROOT, '.dependency-cruiser.cjs'))});\n` +
      'module.exports = { ...base, options: { ...base.options, tsConfig: undefined } };\n',
  );
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const [file, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), text);
  }
  return dir;
}

async function cruise(dir: string): Promise<{ code: number; output: string }> {
  const args = [
    join(ROOT, 'scripts/depcruise.mjs'),
    '--config',
    '.dependency-cruiser.cjs',
    'src-main',
    'src-shared',
    'src-renderer',
  ];
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd: dir, timeout: 60_000 });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('import rules (npm run lint)', () => {
  let clean: { code: number; output: string };
  let broken: { code: number; output: string };
  beforeAll(async () => {
    const cleanDir = await tree(CLEAN);
    const violations = Object.fromEntries(Object.values(VIOLATIONS).map((v) => [v.file, v.text]));
    const brokenDir = await tree({ ...CLEAN, ...violations, ...CYCLE_B });
    dirs.push(cleanDir, brokenDir);
    [clean, broken] = await Promise.all([cruise(cleanDir), cruise(brokenDir)]);
  }, 120_000);

  it('pass a tree that imports in the allowed direction', () => {
    expect(clean.output).toContain('no dependency violations found');
    expect(clean.code).toBe(0);
  });

  it.each(Object.entries(VIOLATIONS))('fail on %s', (rule, { file }) => {
    expect(broken.code).not.toBe(0);
    expect(broken.output).toMatch(new RegExp(`error ${rule}: ${file.replaceAll('.', '\\.')}`));
  });
});
