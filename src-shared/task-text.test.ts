/**
 * The CLI's offline queue path checks task text without zod (task-text.ts);
 * the running core checks it with the contract's schema. Both must give the
 * same answer, in the same words, for any input: generated strings around
 * every limit, with whitespace and lone or paired surrogates.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requests } from './contract';
import {
  formatTextIssues,
  QUEUE_FILTER_MAX,
  queueFilterIssues,
  TASK_TEXT_LIMITS,
  type TaskTextInput,
  taskTextIssues,
} from './task-text';
import { formatIssues } from './zod-issues';

/** What dispatchRequest would answer: null when valid, else its bad_request message. */
function viaSchema(name: 'addTask' | 'listTasks', args: object): string | null {
  const parsed = requests[name].args.safeParse(args);
  return parsed.success ? null : formatIssues(`${name} arguments`, parsed.error.issues);
}

function viaPlainChecks(issues: ReturnType<typeof taskTextIssues>, name: string): string | null {
  return issues.length === 0 ? null : formatTextIssues(`${name} arguments`, issues);
}

/** Text made of the characters that matter here, at lengths around `limit` (or short). */
function text(limit: number): fc.Arbitrary<string> {
  const unit = fc.constantFrom('a', ' ', '\n', '\t', 'é', '\uD83D\uDE00', '\uD83D', '\uDE00', '\u3000');
  const short = fc.array(unit, { maxLength: 6 }).map((u) => u.join(''));
  const nearLimit = fc
    .tuple(fc.integer({ min: -2, max: 2 }), short)
    .map(([delta, tail]) => 'x'.repeat(Math.max(0, limit + delta - tail.length)) + tail);
  return fc.oneof(short, nearLimit);
}

const input: fc.Arbitrary<TaskTextInput & { prompt: string }> = fc.record(
  {
    prompt: text(TASK_TEXT_LIMITS.prompt),
    title: text(TASK_TEXT_LIMITS.title),
    cwd: text(TASK_TEXT_LIMITS.cwd),
    repository: text(TASK_TEXT_LIMITS.repository),
    runtime: text(TASK_TEXT_LIMITS.runtime),
    queue: text(TASK_TEXT_LIMITS.queue),
  },
  { requiredKeys: ['prompt'] },
);

describe('task text checks without zod', () => {
  it('answer as the contract schema does for addTask', () => {
    fc.assert(
      fc.property(input, (args) => {
        expect(viaPlainChecks(taskTextIssues(args), 'addTask')).toBe(viaSchema('addTask', args));
      }),
      { numRuns: 200 },
    );
  });

  it('answer as the contract schema does for a listTasks queue filter', () => {
    fc.assert(
      fc.property(text(QUEUE_FILTER_MAX), (queue) => {
        expect(viaPlainChecks(queueFilterIssues(queue), 'listTasks')).toBe(viaSchema('listTasks', { queue }));
      }),
    );
  });

  it('the known refusals (the comparison above is not vacuous)', () => {
    expect(viaPlainChecks(taskTextIssues({ prompt: ' \n', title: '' }), 'addTask')).toBe(
      [
        'addTask arguments is invalid:',
        '  prompt: must not be blank (only whitespace)',
        '  title: Too small: expected string to have >=1 characters',
      ].join('\n'),
    );
    expect(taskTextIssues({ prompt: 'ok \uD83D' })).toEqual([
      { path: 'prompt', message: 'contains a lone UTF-16 surrogate (not valid Unicode)' },
    ]);
    expect(taskTextIssues({ prompt: 'ok', runtime: 'r'.repeat(65) })).toEqual([
      { path: 'runtime', message: 'Too big: expected string to have <=64 characters' },
    ]);
    expect(taskTextIssues({ prompt: 'ok \uD83D\uDE00' })).toEqual([]);
    // Lengths in code points: 63 letters and an emoji (65 UTF-16 units) is 64.
    expect(queueFilterIssues(`${'q'.repeat(63)}\uD83D\uDE00`)).toEqual([]);
  });
});
