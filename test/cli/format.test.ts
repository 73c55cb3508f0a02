import { describe, expect, it } from 'vitest';
import { formatTable, relativeTime } from '../../src-main/headless/commands/format';

describe('formatTable', () => {
  it('aligns columns, upper-cases headers, flattens and clips long cells', () => {
    const rows = [
      { id: 't1', title: 'short' },
      { id: 't22', title: 'a title\nwith a newline that goes on and on' },
    ];
    const out = formatTable(rows, [
      { header: 'id', cell: (r) => r.id },
      { header: 'title', cell: (r) => r.title, max: 20 },
    ]);
    expect(out.split('\n')).toEqual(['ID   TITLE', 't1   short', 't22  a title with a newl…']);
  });
});

describe('relativeTime', () => {
  it('says how long ago or how soon, in the largest sensible unit', () => {
    expect(relativeTime(null, 0)).toBe('-');
    expect(relativeTime(5_000, 0)).toBe('in 5s');
    expect(relativeTime(0, 90_000)).toBe('2m ago');
    expect(relativeTime(7_200_000, 0)).toBe('in 2h');
  });
});
