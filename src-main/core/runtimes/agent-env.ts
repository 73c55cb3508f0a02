/**
 * The environment an agent gets: just enough to run (PATH, HOME, LANG), the
 * ids of its task and session, and what the runtime config declares. Nothing
 * else of the parent's environment passes, so that source tokens and other
 * secrets held by Nightshift never reach an agent.
 */
export const INHERITED_ENV_KEYS = ['PATH', 'HOME', 'LANG'] as const;

export interface AgentEnvInput {
  taskId: string;
  sessionId: string;
  /** The runtime config's `env`; wins over the inherited keys. */
  declared?: Record<string, string>;
  parent?: NodeJS.ProcessEnv;
}

export function buildAgentEnv({ taskId, sessionId, declared = {}, parent = process.env }: AgentEnvInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of INHERITED_ENV_KEYS) {
    const value = parent[key];
    if (value !== undefined) env[key] = value;
  }
  Object.assign(env, declared);
  env.NIGHTSHIFT_TASK_ID = taskId;
  env.NIGHTSHIFT_SESSION_ID = sessionId;
  return env;
}
