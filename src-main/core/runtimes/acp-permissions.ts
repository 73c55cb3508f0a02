/**
 * Answers an ACP agent's `session/request_permission` for an unattended run:
 * approve only the tool kinds the runtime config allows, and a tool that
 * touches files only when every file it names is inside the workspace
 * (symlinks resolved). Anything else is refused; nobody is there to ask.
 */
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { RequestPermissionRequest, RequestPermissionResponse, ToolKind } from '@agentclientprotocol/sdk';

/** Kinds whose `locations` are files the tool reads or changes. */
const FILE_KINDS: ReadonlySet<ToolKind> = new Set(['read', 'edit', 'delete', 'move']);

export interface PermissionDecision {
  response: RequestPermissionResponse;
  approved: boolean;
  /** One line for the session timeline: what was asked and why it was (not) allowed. */
  detail: string;
}

export async function decidePermission(
  request: RequestPermissionRequest,
  allowed: readonly ToolKind[],
  workspace: string,
): Promise<PermissionDecision> {
  const call = request.toolCall;
  const kind: ToolKind = call.kind ?? 'other';
  const paths = (call.locations ?? []).map((l) => l.path);
  const what = `${kind} "${call.title ?? call.toolCallId}"${paths.length ? ` on ${paths.join(', ')}` : ''}`;
  const refuse = (why: string): PermissionDecision => {
    const reject =
      request.options.find((o) => o.kind === 'reject_once') ?? request.options.find((o) => o.kind === 'reject_always');
    return {
      response: { outcome: reject ? { outcome: 'selected', optionId: reject.optionId } : { outcome: 'cancelled' } },
      approved: false,
      detail: `refused ${what}: ${why}`,
    };
  };

  if (!allowed.includes(kind)) return refuse(`"${kind}" is not in autoApprove`);
  if (FILE_KINDS.has(kind)) {
    if (paths.length === 0) return refuse('the agent did not say which files');
    for (const path of paths) {
      if (!(await isInside(workspace, path))) return refuse(`${path} is outside the workspace`);
    }
  }
  // allow_once, never allow_always: a grant must not outlive this one call.
  const allow = request.options.find((o) => o.kind === 'allow_once');
  if (!allow) return refuse('the agent offered no one-time approval');
  return { response: { outcome: { outcome: 'selected', optionId: allow.optionId } }, approved: true, detail: `approved ${what}` };
}

/** True when `path` (absolute, or relative to the workspace) lies inside `workspace` once symlinks are resolved. */
export async function isInside(workspace: string, path: string): Promise<boolean> {
  const root = await realpath(workspace);
  const target = await resolveExisting(isAbsolute(path) ? path : resolve(workspace, path));
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** realpath of the nearest existing ancestor, with the rest of the path appended (a file may not exist yet). */
async function resolveExisting(path: string): Promise<string> {
  const rest: string[] = [];
  let current = resolve(path);
  for (;;) {
    try {
      return resolve(await realpath(current), ...rest.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return resolve(path);
      rest.push(current.slice(parent.length + (parent.endsWith('/') ? 0 : 1)));
      current = parent;
    }
  }
}
