/**
 * What a correct answer to one contract message is, judged independently of
 * the transport: an error envelope with the right code (and nothing written),
 * or a result — and for addTask, a task whose text reads back byte-identical.
 */
import { isRequestName, requests } from '@shared/contract';
import { ERROR_CODES } from '@shared/envelope';
import { type LocalTask, PROMPT_PREVIEW_CHARS } from '@shared/task';
import type { DbFingerprint, FuzzCore } from './fuzz-core';

export interface Outcome {
  kind: 'result' | 'error';
  code?: string;
}

/**
 * Problems with `reply` to (name, args) as the handlers received them. `before`
 * is the fingerprint taken just before the call. Empty = correct.
 */
export async function judgeReply(
  target: FuzzCore,
  name: unknown,
  args: unknown,
  reply: unknown,
  before: DbFingerprint,
  /** A transport's own envelope check may refuse first (the WebSocket's); the caller says so here. */
  envelopeRejected = false,
): Promise<{ problems: string[]; outcome: Outcome }> {
  const problems: string[] = [];
  const shown = `${String(typeof name === 'string' ? name : typeof name)}`;
  if (!reply || typeof reply !== 'object') return { problems: [`${shown}: reply is not an object`], outcome: { kind: 'error' } };
  const keys = Object.keys(reply);
  if ('error' in reply) {
    const error = (reply as { error: { code: unknown; message: unknown } }).error;
    const code = String(error?.code);
    if (keys.length !== 1) problems.push(`${shown}: error reply has extra keys ${keys.join(',')}`);
    if (!(ERROR_CODES as readonly string[]).includes(code)) problems.push(`${shown}: unknown error code ${code}`);
    if (code === 'internal') problems.push(`${shown}: a handler crashed on validated input: ${String(error.message)}`);
    if (typeof error.message !== 'string' || error.message === '') problems.push(`${shown}: error without a message`);
    const expected = envelopeRejected ? 'bad_request' : expectedRejection(name, args);
    if (expected && code !== expected) problems.push(`${shown}: expected ${expected}, got ${code}: ${String(error.message)}`);
    if (
      expected === 'bad_request' &&
      !envelopeRejected &&
      typeof error.message === 'string' &&
      !error.message.includes(`${String(name)} arguments`)
    )
      problems.push(`${shown}: bad_request message does not name the request: ${error.message}`);
    const after = target.fingerprint();
    if (after.dataVersion !== before.dataVersion || JSON.stringify(after.rows) !== JSON.stringify(before.rows))
      problems.push(
        `${shown}: rejected with ${code} but the database changed: ${JSON.stringify(before.rows)} → ${JSON.stringify(after.rows)}`,
      );
    return { problems, outcome: { kind: 'error', code } };
  }
  if (!('result' in reply) || keys.length !== 1)
    return { problems: [`${shown}: reply is neither {result} nor {error}`], outcome: { kind: 'error' } };
  const rejection = envelopeRejected ? 'bad_request' : expectedRejection(name, args);
  if (rejection) problems.push(`${shown}: answered with a result where ${rejection} was due`);
  if (name === 'addTask')
    problems.push(
      ...(await roundTrip(target, args as { prompt: string; title?: string }, (reply as { result: LocalTask }).result)),
    );
  return { problems, outcome: { kind: 'result' } };
}

/** The code a transport-independent validator must answer with, or null when the input is acceptable. */
export function expectedRejection(name: unknown, args: unknown): 'unknown_method' | 'bad_request' | null {
  if (!isRequestName(name)) return 'unknown_method';
  return requests[name].args.safeParse(args === undefined ? {} : args).success ? null : 'bad_request';
}

async function roundTrip(target: FuzzCore, input: { prompt: string; title?: string }, task: LocalTask): Promise<string[]> {
  const problems: string[] = [];
  // Newest first: limit 1 reads back just this task, so a campaign full of megabyte prompts stays linear.
  const listed = (await target.core.handlers.listTasks({ queue: task.queue, status: ['todo'], limit: 1 })).find(
    (t) => t.id === task.id,
  );
  if (!listed) return [`addTask: task ${task.id} is not in listTasks`];
  const same = (a: string, b: string) => a === b && Buffer.from(a, 'utf8').equals(Buffer.from(b, 'utf8'));
  if (!same(task.prompt, input.prompt))
    problems.push(`addTask: the reply's prompt differs from the one sent (${codePoints(input.prompt)})`);
  // The list carries a preview (a whole-code-point prefix, flagged when cut); getTask the full text.
  const preview = listed.promptTruncated ? input.prompt.slice(0, listed.prompt.length) : input.prompt;
  if (!same(listed.prompt, preview) || (listed.promptTruncated && listed.prompt.length > PROMPT_PREVIEW_CHARS))
    problems.push(`addTask: listTasks returns a different prompt preview (${codePoints(input.prompt)})`);
  const full = await target.core.handlers.getTask({ id: task.id });
  if (!same(full.prompt, input.prompt))
    problems.push(`addTask: getTask returns a different prompt (${codePoints(input.prompt)})`);
  if (input.title !== undefined && !same(listed.title, input.title))
    problems.push(`addTask: listTasks returns a different title (${codePoints(input.title)})`);
  return problems;
}

function codePoints(text: string): string {
  const head = [...text.slice(0, 12)].map((c) => `U+${c.codePointAt(0)!.toString(16).padStart(4, '0')}`).join(' ');
  return `${text.length} UTF-16 units: ${head}${text.length > 12 ? ' …' : ''}`;
}
