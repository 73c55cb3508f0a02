#!/usr/bin/env node
/**
 * Electronegativity (Doyensec's Electron security scanner) over the built app
 * (out/) and its main-process sources (src-main/). Every finding must be
 * listed in security/electronegativity-allow.json with a written
 * justification, or this exits 1. Allow-list entries that no longer match a
 * finding are reported (stale), so that the list shrinks when the code does.
 *
 *   node scripts/electronegativity.mjs            (after `npx electron-vite build`)
 *
 * Uses a local install when present (devDependency), else `npx --yes` of the
 * pinned version from the npm registry. Spawned with an argument array, no shell.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';

const ROOT = resolve(import.meta.dirname, '..');
const VERSION = '1.10.3';
/** The Electron major in package.json; the scanner cannot detect it from a bundle. */
const ELECTRON_VERSION = '45.0.0';
const TARGETS = ['out', 'src-main'];
const ALLOW_FILE = join(ROOT, 'security', 'electronegativity-allow.json');

const allowSchema = z.array(
  z.strictObject({
    check: z.string().regex(/^[A-Z0-9_]+$/, 'an Electronegativity check id, e.g. CSP_GLOBAL_CHECK'),
    /** Repository-relative path; `*` matches within one path segment, `**` across segments. */
    file: z.string().min(1),
    justification: z.string().min(40, 'must explain in at least 40 characters why the finding is acceptable'),
  }),
);

function scannerCommand(args) {
  const local = join(ROOT, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js');
  if (existsSync(local)) return [process.execPath, [local, ...args]];
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  return [npx, ['--yes', `@doyensec/electronegativity@${VERSION}`, ...args]];
}

function run(program, args) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(program, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}

/** Findings of one target as { check, file (repo-relative), line, message }. */
async function scan(target, workDir) {
  const sarif = join(workDir, `${target.replaceAll('/', '_')}.sarif`);
  const [program, args] = scannerCommand(['-i', join(ROOT, target), '-o', sarif, '-e', ELECTRON_VERSION, '-r', '-v', 'false']);
  const { code, output } = await run(program, args);
  if (code !== 0 || !existsSync(sarif)) {
    throw new Error(`electronegativity on ${target} exited ${code} without a report:\n${output.slice(-2000)}`);
  }
  const report = JSON.parse(await readFile(sarif, 'utf8'));
  return report.runs.flatMap((r) =>
    r.results.map((result) => {
      const location = result.locations?.[0]?.physicalLocation;
      const uri = location?.artifactLocation?.uri ?? '';
      const file = uri.startsWith('file:') || uri === '' ? target : relative(ROOT, join(ROOT, target, uri));
      return { check: result.ruleId, file, line: location?.region?.startLine ?? 0, message: result.message?.text ?? '' };
    }),
  );
}

function globToRegExp(glob) {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replaceAll('**', '\u0000').replaceAll('*', '[^/]*').replaceAll('\u0000', '.*')}$`);
}

async function main() {
  const parsed = allowSchema.safeParse(JSON.parse(await readFile(ALLOW_FILE, 'utf8')));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  [${i.path.join('.')}] ${i.message}`).join('\n');
    console.error(`${relative(ROOT, ALLOW_FILE)} is invalid:\n${issues}`);
    process.exit(2);
  }
  const allow = parsed.data.map((entry) => ({ ...entry, pattern: globToRegExp(entry.file), used: 0 }));
  for (const target of TARGETS) {
    if (!existsSync(join(ROOT, target))) {
      console.error(`${target}/ is missing${target === 'out' ? ': build first with "npx electron-vite build"' : ''}`);
      process.exit(2);
    }
  }

  const workDir = await mkdtemp(join(tmpdir(), 'ns-eneg-'));
  let findings;
  try {
    findings = (await Promise.all(TARGETS.map((t) => scan(t, workDir)))).flat();
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }

  const refused = [];
  console.log(
    `Electronegativity ${VERSION} (Electron ${ELECTRON_VERSION}) over ${TARGETS.join(', ')}: ${findings.length} finding(s)\n`,
  );
  for (const f of findings) {
    const entry = allow.find((a) => a.check === f.check && a.pattern.test(f.file));
    const where = `${f.file}${f.line ? `:${f.line}` : ''}`;
    if (entry) {
      entry.used += 1;
      console.log(`  allowed  ${f.check}  ${where}\n           ${entry.justification}`);
    } else {
      refused.push(f);
      console.log(`  REFUSED  ${f.check}  ${where}\n           ${f.message}`);
    }
  }
  for (const stale of allow.filter((a) => a.used === 0)) {
    console.log(`\n  stale allow-list entry (matches nothing now; remove it): ${stale.check} ${stale.file}`);
  }
  if (refused.length) {
    console.log(`\n${refused.length} finding(s) are neither fixed nor justified in ${relative(ROOT, ALLOW_FILE)}.`);
    process.exit(1);
  }
  console.log('\nEvery finding is justified.');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
