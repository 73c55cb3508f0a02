/**
 * The runtime registry: a runtime config (already validated by the config
 * schema) → the {@link AgentRuntime} that runs it.
 */
import type { RuntimeConfig } from '../config';
import { createAcpRuntime } from './acp';
import { createClaudeRuntime } from './claude';
import { createCodexRuntime } from './codex';
import { createCommandRuntime, type RuntimeOptions } from './command';
import { createCopilotRuntime } from './copilot';
import { createGeminiRuntime } from './gemini';
import type { AgentRuntime } from './port';

export { buildAgentEnv } from './agent-env';
export { groupAlive, spawnAgentProcess, terminateGroup } from './agent-process';
export type { RuntimeOptions } from './command';

/**
 * One entry per runtime kind. The kinds themselves are declared once, by the
 * config schema (core/config.ts, runtimeConfigSchema): a kind added there and
 * missing here, or listed here and unknown there, fails to compile.
 */
const RUNTIMES: {
  [K in RuntimeConfig['kind']]: (config: Extract<RuntimeConfig, { kind: K }>, options: RuntimeOptions) => AgentRuntime;
} = {
  command: createCommandRuntime,
  claude: createClaudeRuntime,
  codex: createCodexRuntime,
  gemini: createGeminiRuntime,
  copilot: createCopilotRuntime,
  acp: createAcpRuntime,
};

export function createRuntime(config: RuntimeConfig, options: RuntimeOptions = {}): AgentRuntime {
  const create = RUNTIMES[config.kind] as (config: RuntimeConfig, options: RuntimeOptions) => AgentRuntime;
  return create(config, options);
}
