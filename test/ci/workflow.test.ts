/**
 * .github/workflows/ci.yml cannot run on this project's CI machine (no GitHub
 * runner, no Electron download), so it is checked here: against the workflow
 * schema with action-validator (the same check `npm run lint` runs), and for
 * the steps the project promises.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');
const workflow = await readFile(join(ROOT, '.github/workflows/ci.yml'), 'utf8');
const steps = workflow.slice(workflow.indexOf('steps:'));

describe('.github/workflows/ci.yml', () => {
  it('is a valid workflow by the schema', () => {
    expect(validateWorkflow(workflow).errors).toEqual([]);
  });

  it('the validator does reject a broken workflow (so the check above can fail)', () => {
    expect(validateWorkflow(workflow.replace('runs-on:', 'runs_on:')).errors.length).toBeGreaterThan(0);
    expect(validateWorkflow(workflow.replace('steps:', 'steps: 3\n    x:')).errors.length).toBeGreaterThan(0);
  });

  it('runs on all three systems: npm ci, npm test, the Electron spec (under Xvfb on Linux), npm run dist as an artifact', () => {
    expect(workflow).toMatch(/os: \[ubuntu-latest, macos-latest, windows-latest\]/);
    const order = [
      'npm ci',
      'npm test',
      'node scripts/electron-native.mjs',
      'xvfb-run',
      '--project electron',
      'npm run dist',
      'actions/upload-artifact',
    ];
    const positions = order.map((text) => steps.indexOf(text));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });
});
