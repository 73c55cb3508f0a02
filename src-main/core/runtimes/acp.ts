/**
 * The `acp` runtime: any agent that speaks the Agent Client Protocol over
 * stdio (Gemini CLI `--acp`, Copilot CLI `--acp`, claude-code-acp, …),
 * through the maintained `@agentclientprotocol/sdk`. See acp-run.ts for a
 * run and acp-permissions.ts for what is approved without a human.
 */
import type { RuntimeConfig } from '../config';
import { startAcpRun } from './acp-run';
import { buildAgentEnv } from './agent-env';
import { checkLaunch } from './availability';
import type { RuntimeOptions } from './command';
import type { Launch } from './launch';
import type { AgentHandle, AgentRuntime, AgentStartSpec, Availability } from './port';

export type AcpRuntimeConfig = Extract<RuntimeConfig, { kind: 'acp' }>;

export function createAcpRuntime(config: AcpRuntimeConfig, options: RuntimeOptions = {}): AgentRuntime {
  const name = options.name ?? 'acp';
  // What to spawn for `binary` (launch.ts: an npm .cmd shim on Windows), learnt by the availability check.
  let launch: Launch = { program: config.binary, args: [] };
  return {
    name,
    timeoutMs: config.timeoutMs,
    stallMs: config.stallMs,
    // An ACP agent has no common version flag: being there and executable is what can be checked without a session.
    async checkAvailability(): Promise<Availability> {
      const checked = await checkLaunch(config.binary, { versionArgs: null, env: config.env });
      launch = checked.launch;
      return checked.availability;
    },
    start(spec: AgentStartSpec): AgentHandle {
      return startAcpRun({
        argv: [launch.program, ...launch.args, ...config.args],
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
