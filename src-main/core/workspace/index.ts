/** Safe per-task workspaces: git worktrees, the task's own cwd, or temp dirs. */
export { type CleanupResult, cleanupWorkspace } from './cleanup';
export { inspectWorkspace, keptReason, type WorkspaceState } from './inspect';
export { branchForTask } from './naming';
export { createWorkspacePort } from './port';
export { type PrepareOptions, prepareWorkspace } from './prepare';
export { CleanupError, parseWorkspace, type Workspace, WorkspaceError, workspaceSchema } from './workspace';
