/**
 * One line per zod issue, naming where it is: the error text of every
 * boundary (config file, contract arguments, wire messages, source replies).
 */
import type { z } from 'zod';

/** "daemons[0].runtime.command: <what is wrong>" — one line per issue. */
export function formatIssues(origin: string, issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.map((issue) => `  ${formatPath(issue.path) || '(root)'}: ${issueMessage(issue)}`);
  return `${origin} is invalid:\n${lines.join('\n')}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message;
}
