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

export function createRuntime(config: RuntimeConfig, options: RuntimeOptions = {}): AgentRuntime {
  switch (config.kind) {
    case 'command':
      return createCommandRuntime(config, options);
    case 'claude':
      return createClaudeRuntime(config, options);
    case 'codex':
      return createCodexRuntime(config, options);
    case 'gemini':
      return createGeminiRuntime(config, options);
    case 'copilot':
      return createCopilotRuntime(config, options);
    case 'acp':
      return createAcpRuntime(config, options);
  }
}
