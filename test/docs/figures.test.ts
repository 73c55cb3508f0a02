/**
 * Docs that agree with the benches: every measured figure quoted outside
 * docs/performance.md (requests a day, statements a day, pickup times in
 * ms) must appear in docs/performance.md, the latest report `npm run bench`
 * writes. A doc that quotes a figure the report no longer has fails here; the
 * fix is to link to performance.md instead of repeating the number.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..', '..');
const REPORT = 'docs/performance.md';

/** "717 requests/day", "1 872 requests a day", "82 statements", "12 ms pickup"-style figures. */
const FIGURE =
  /(\d[\d  ,.]*)\s*(?:idle\s+)?(requests?\s*\/\s*day|requests? a day|statements?(?:\s*\/\s*day| a day)?|ms pickup)/gi;

function docsToCheck(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`)
    .filter((f) => f !== REPORT);
  return ['README.md', ...docs];
}

function normalise(figure: string): string {
  return figure.replace(/[  ,]/g, '').replace(/\.$/, '');
}

function quotedFigures(text: string): string[] {
  const inProse = [...text.matchAll(FIGURE)].map((m) => normalise(m[1]!));
  return [...inProse, ...tableFigures(text)].filter((n) => /\d/.test(n));
}

/** Numbers in the cells of table columns headed "requests…" or "pickup…" (a copied bench table). */
function tableFigures(text: string): string[] {
  const figures: string[] = [];
  const measured = /requests\s*\/\s*day|requests a day|pickup p\d/i;
  let columns: number[] | null = null; // null: not in a table (the next table row is a header)
  for (const line of text.split('\n')) {
    if (!line.trim().startsWith('|')) {
      columns = null;
      continue;
    }
    const cells = line.split('|').slice(1, -1);
    if (columns === null) {
      columns = cells.flatMap((c, i) => (measured.test(c) ? [i] : []));
      continue;
    }
    if (/^[\s|:-]+$/.test(line)) continue;
    for (const i of columns) {
      const cell = (cells[i] ?? '').replace(/(\d)[  ](?=\d{3}\b)/g, '$1');
      for (const n of cell.match(/\d[\d.]*/g) ?? []) figures.push(normalise(n));
    }
  }
  return figures;
}

describe('figures in the docs', () => {
  const report = readFileSync(join(ROOT, REPORT), 'utf8');
  const reportNumbers = new Set((report.match(/\d[\d.]*/g) ?? []).map(normalise));

  it('finds figures in a copied bench table', () => {
    const table = [
      '| source | idle requests/day | pickup p50 / p99 |',
      '|---|---|---|',
      '| SSE | 144 (+ 1 per reconnect) | 4 ms / 14 ms |',
    ];
    expect(quotedFigures(table.join('\n'))).toEqual(['144', '1', '4', '14']);
  });

  it('finds quoted figures (the pattern itself works)', () => {
    expect(quotedFigures('an idle daemon sends 1 872 requests/day; SSE 144 requests a day; PG 717 statements')).toEqual([
      '1872',
      '144',
      '717',
    ]);
  });

  it.each(docsToCheck())('%s quotes no figure that the latest report does not have', (doc) => {
    const missing = quotedFigures(readFileSync(join(ROOT, doc), 'utf8')).filter((n) => !reportNumbers.has(n));
    expect(missing, `${doc}: figures not in ${REPORT}; link to it instead`).toEqual([]);
  });
});
