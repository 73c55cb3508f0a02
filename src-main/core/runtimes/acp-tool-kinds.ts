/**
 * ACP's tool kinds (`ToolKind` in @agentclientprotocol/sdk's schema), as a
 * value for the config schema; the type check below keeps the two in step.
 */
import type { ToolKind } from '@agentclientprotocol/sdk';

export const ACP_TOOL_KINDS = [
  'read',
  'edit',
  'delete',
  'move',
  'search',
  'execute',
  'think',
  'fetch',
  'switch_mode',
  'other',
] as const;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const inStep: Same<(typeof ACP_TOOL_KINDS)[number], ToolKind> = true;
void inStep;
