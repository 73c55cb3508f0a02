/**
 * The environment an agent gets: just enough to run, the ids of its task and
 * session, and what the runtime config declares. Nothing else of the parent's
 * environment passes, so that source tokens and other secrets held by
 * Nightshift never reach an agent.
 *
 * "Enough to run" differs by OS. On Unix it is PATH, HOME and LANG. Windows
 * programs need more of the system's own variables: without SystemRoot,
 * Node's crypto and sockets fail (Winsock and CryptoAPI load from it), without
 * USERPROFILE `os.homedir()` has no answer, and the agent CLIs keep their
 * login under APPDATA / LOCALAPPDATA; PATHEXT is how a CLI finds the tools it
 * runs. None of these holds a secret: they are the same for every program the
 * user starts.
 */
export const INHERITED_ENV_KEYS = ['PATH', 'HOME', 'LANG'] as const;

export const WINDOWS_ENV_KEYS = [
  'SystemRoot',
  'SystemDrive',
  'windir',
  'ComSpec',
  'PATHEXT',
  'USERPROFILE',
  'USERNAME',
  'HOMEDRIVE',
  'HOMEPATH',
  'APPDATA',
  'LOCALAPPDATA',
  'ProgramData',
  'ProgramFiles',
  'ProgramFiles(x86)',
  'CommonProgramFiles',
  'TEMP',
  'TMP',
  'PROCESSOR_ARCHITECTURE',
  'NUMBER_OF_PROCESSORS',
] as const;

export interface AgentEnvInput {
  taskId: string;
  sessionId: string;
  /** The runtime config's `env`; wins over the inherited keys. */
  declared?: Record<string, string>;
  parent?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

/** Windows variable names are case-insensitive (`Path`, `SYSTEMROOT`): look them up that way in a plain object too. */
function lookup(parent: NodeJS.ProcessEnv, key: string, caseInsensitive: boolean): string | undefined {
  if (parent[key] !== undefined || !caseInsensitive) return parent[key];
  const wanted = key.toUpperCase();
  const found = Object.keys(parent).find((k) => k.toUpperCase() === wanted);
  return found === undefined ? undefined : parent[found];
}

export function buildAgentEnv({
  taskId,
  sessionId,
  declared = {},
  parent = process.env,
  platform = process.platform,
}: AgentEnvInput): Record<string, string> {
  const windows = platform === 'win32';
  const keys: readonly string[] = windows ? [...INHERITED_ENV_KEYS, ...WINDOWS_ENV_KEYS] : INHERITED_ENV_KEYS;
  const env: Record<string, string> = {};
  for (const key of keys) {
    const value = lookup(parent, key, windows);
    if (value !== undefined) env[key] = value;
  }
  Object.assign(env, declared);
  env.NIGHTSHIFT_TASK_ID = taskId;
  env.NIGHTSHIFT_SESSION_ID = sessionId;
  return env;
}
