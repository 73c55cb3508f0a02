/**
 * The `acp` runtime: any agent that speaks the Agent Client Protocol over
 * stdio (Gemini CLI `--acp`, Copilot CLI `--acp`, claude-code-acp, …),
 * through the maintained `@agentclientprotocol/sdk`. See acp-run.ts for a
 * run and acp-permissions.ts for what is approved without a human.
 */
import type { RuntimeConfig } from '../config';
import type { AgentHandle, AgentRuntime, AgentStartSpec, Availability } from '../types';
import { startAcpRun } from './acp-run';
import { buildAgentEnv } from './agent-env';
import { checkBinary } from './availability';
import type { RuntimeOptions } from './command';

export type AcpRuntimeConfig = Extract<RuntimeConfig, { kind: 'acp' }>;

export function createAcpRuntime(config: AcpRuntimeConfig, options: RuntimeOptions = {}): AgentRuntime {
  const name = options.name ?? 'acp';
  return {
    name,
    timeoutMs: config.timeoutMs,
    // An ACP agent has no common version flag: being there and executable is what can be checked without a session.
    checkAvailability(): Promise<Availability> {
      return checkBinary(config.binary, { versionArgs: null, env: config.env });
    },
    start(spec: AgentStartSpec): AgentHandle {
      return startAcpRun({
        argv: [config.binary, ...config.args],
        env: buildAgentEnv({ taskId: spec.task.id, sessionId: spec.sessionId, declared: config.env }),
        spec,
        autoApprove: config.autoApprove,
        stopGraceMs: options.stopGraceMs,
        now: () => options.clock?.now() ?? Date.now(),
        logger: options.logger,
        scope: `runtime[${name}]`,
      });
    },
  };
}
