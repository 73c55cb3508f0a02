/**
 * The report's plumbing: a bench's `@target` lines are validated and split
 * from its tables, a console.table row is read by header name, and a real
 * bench run as a child process hands back its verdict.
 */

import { Console } from 'node:console';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TARGET_PREFIX } from '../../bench/support/bench-results';
import { consoleTableRow, parseBenchOutput, runBench } from '../../bench/support/run-bench';

const ROOT = resolve(__dirname, '..', '..');

describe('parseBenchOutput', () => {
  it('keeps the tables and returns each @target verdict', () => {
    const target = { name: 'write p99', target: '≤ 0.5 ms', measured: '0.2 ms', met: true };
    const stdout = ['### A table', '', '| a |', '| - |', `${TARGET_PREFIX}${JSON.stringify(target)}`, '(a remark)'].join('\n');
    const parsed = parseBenchOutput('bench/x.ts', stdout);
    expect(parsed.targets).toEqual([target]);
    expect(parsed.output).toBe('### A table\n\n| a |\n| - |\n(a remark)');
  });

  it('names the field that is wrong in a malformed verdict', () => {
    const bad = `${TARGET_PREFIX}${JSON.stringify({ name: 'x', target: 'y', measured: 'z', met: 'yes' })}`;
    expect(() => parseBenchOutput('bench/x.ts', bad)).toThrow(/bench\/x\.ts.*met/);
    expect(() => parseBenchOutput('bench/x.ts', `${TARGET_PREFIX}{not json`)).toThrow(/not JSON/);
  });
});

describe('consoleTableRow', () => {
  it("reads a row of Node's console.table by header name", () => {
    let printed = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        printed += chunk.toString();
        done();
      },
    });
    new Console(sink).table([
      { ticks: '1,000', 'apply 1 pushed tick': '0.9 ms' },
      { ticks: '10,000', 'apply 1 pushed tick': '3.4 ms' },
    ]);
    expect(consoleTableRow(printed, 'ticks', '10,000')).toMatchObject({ ticks: '10,000', 'apply 1 pushed tick': '3.4 ms' });
    expect(consoleTableRow(printed, 'ticks', '20,000')).toBeNull();
  });
});

describe('runBench', () => {
  it('runs a real bench as a child process and returns its table and verdict', async () => {
    const run = await runBench(ROOT, 'bench/writes.ts', ['--sessions', '20', '--history', '20']);
    expect(run.exitCode).toBe(0);
    expect(run.output).toContain('| SessionStore.transition (all)');
    expect(run.targets).toHaveLength(1);
    expect(run.targets[0]).toMatchObject({ name: 'session transition write p99', target: '≤ 0.5 ms' });
    expect(run.targets[0]!.measured).toMatch(/^\d+\.\d{3} ms/);
  }, 60_000);
});
