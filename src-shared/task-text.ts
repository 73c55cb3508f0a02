/**
 * Task text at the boundary, without zod: the limits of a task's fields (the
 * contract's zod schema is built from them), the same checks as plain code for
 * the CLI's offline queue path (loading zod alone costs about a bare node
 * start; bench/cli.ts), and the preview that lists carry instead of the full
 * text. task-text.test.ts holds both checks to the same answers.
 */
import { type LocalTask, PROMPT_PREVIEW_CHARS } from './task';

/** Longest value of each task text field, in code points (what zod 4's `.min`/`.max` count: a pair of surrogates is one). */
export const TASK_TEXT_LIMITS = {
  prompt: 1_000_000,
  title: 500,
  cwd: 4096,
  repository: 4096,
  runtime: 64,
  queue: 64,
} as const;

/** Fields of a new task, in the contract schema's order (issues are reported in it). */
export type TaskTextField = keyof typeof TASK_TEXT_LIMITS;
const FIELDS = Object.keys(TASK_TEXT_LIMITS) as TaskTextField[];

/**
 * SQLite stores text as UTF-8, where a lone UTF-16 surrogate cannot exist: it
 * would be saved as U+FFFD and read back changed. Refused at the boundary
 * (found by test/reliability/fuzz).
 */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const LONE_SURROGATE_MESSAGE = 'contains a lone UTF-16 surrogate (not valid Unicode)';
export const EMPTY_PROMPT_MESSAGE = 'must not be empty';
export const BLANK_PROMPT_MESSAGE = 'must not be blank (only whitespace)';
/** The longest `queue` a list filter takes. */
export const QUEUE_FILTER_MAX = 64;

export interface TextIssue {
  path: string;
  message: string;
}

export type TaskTextInput = Partial<Record<TaskTextField, string | undefined>>;

/**
 * What the contract's `addTask` schema says about these fields, in its words
 * and order (every failed check, like zod). For string values only: the CLI
 * passes nothing else.
 */
export function taskTextIssues(input: TaskTextInput): TextIssue[] {
  const issues: TextIssue[] = [];
  for (const field of FIELDS) {
    const value = input[field];
    if (value === undefined) continue;
    const add = (message: string) => issues.push({ path: field, message });
    const length = codePoints(value);
    if (length < 1) add(field === 'prompt' ? EMPTY_PROMPT_MESSAGE : tooSmall(1));
    if (length > TASK_TEXT_LIMITS[field]) add(tooBig(TASK_TEXT_LIMITS[field]));
    if (LONE_SURROGATE.test(value)) add(LONE_SURROGATE_MESSAGE);
    if (field === 'prompt' && value.trim() === '') add(BLANK_PROMPT_MESSAGE);
  }
  return issues;
}

/** What the contract's `listTasks` schema says about a queue filter. */
export function queueFilterIssues(queue: string | undefined): TextIssue[] {
  if (queue === undefined) return [];
  if (codePoints(queue) < 1) return [{ path: 'queue', message: tooSmall(1) }];
  if (codePoints(queue) > QUEUE_FILTER_MAX) return [{ path: 'queue', message: tooBig(QUEUE_FILTER_MAX) }];
  return [];
}

/** "addTask arguments is invalid:\n  prompt: must not be empty": the shape of config.ts' formatIssues. */
export function formatTextIssues(origin: string, issues: readonly TextIssue[]): string {
  return `${origin} is invalid:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`;
}

/** A list entry carries the first PROMPT_PREVIEW_CHARS of the task text, and says when it was cut. */
export function withPromptPreview(task: LocalTask): LocalTask {
  if (task.prompt.length <= PROMPT_PREVIEW_CHARS) return task;
  // Never cut a surrogate pair in half: the preview stays valid text.
  const code = task.prompt.charCodeAt(PROMPT_PREVIEW_CHARS - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? PROMPT_PREVIEW_CHARS - 1 : PROMPT_PREVIEW_CHARS;
  return { ...task, prompt: task.prompt.slice(0, end), promptTruncated: true };
}

/** UTF-16 units less one per surrogate pair (a lone surrogate counts as one), as zod 4 counts. */
function codePoints(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    if ((text.charCodeAt(i) & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--;
      i++;
    }
  }
  return count;
}

// zod 4's own wording for string length checks (the equivalence test fails if it changes).
function tooSmall(min: number): string {
  return `Too small: expected string to have >=${min} characters`;
}

function tooBig(max: number): string {
  return `Too big: expected string to have <=${max} characters`;
}
