/**
 * The loop's view of workspaces (core/workspace-port.ts): a Workspace travels
 * through the session row as JSON and is validated on the way back in.
 */
import type { Logger } from '../log';
import type { WorkspacePort } from '../workspace-port';
import { cleanupWorkspace } from './cleanup';
import { prepareWorkspace } from './prepare';
import { parseWorkspace } from './workspace';

export interface WorkspacePortOptions {
  baseDir: string;
  /** For a remote source: where its tasks may point (see PrepareOptions.allowedRoots). */
  allowedRoots?: readonly string[];
  logger?: Logger;
}

export function createWorkspacePort(opts: WorkspacePortOptions): WorkspacePort {
  const logger = opts.logger;
  return {
    async prepare(task, sessionId) {
      const ws = await prepareWorkspace(task, {
        sessionId,
        baseDir: opts.baseDir,
        ...(opts.allowedRoots ? { allowedRoots: opts.allowedRoots } : {}),
        ...(logger ? { logger } : {}),
      });
      return { path: ws.path, record: JSON.stringify(ws) };
    },
    pathOf(record) {
      return parseWorkspace(record).path;
    },
    async cleanup(record) {
      const ws = parseWorkspace(record);
      // A task's own cwd is never ours to clean: nothing worth a timeline note.
      if (ws.kind === 'cwd') return { removed: false };
      return cleanupWorkspace(ws, logger ? { logger } : {});
    },
  };
}
