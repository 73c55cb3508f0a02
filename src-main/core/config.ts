/**
 * The configuration file (docs/cli.md, "Config file"): parsed and validated
 * once, at the boundary. A bad file is refused whole, with a message naming
 * every wrong key, so that nothing starts half-configured.
 */

import { CAP_BELOW_BASE, capAtLeastBase, tuningFields } from '@shared/tuning';
import { formatIssues } from '@shared/zod-issues';
import { z } from 'zod';
import { ValidationError } from './errors';
import { ACP_TOOL_KINDS } from './runtimes/acp-tool-kinds';
import { DEFAULT_MAX_OUTPUT_MB } from './runtimes/agent-wrapper';

export const DEFAULT_POLL_INTERVAL_MS = 10_000;
export const DEFAULT_MAX_IDLE_BACKOFF_MS = 120_000;
export const DEFAULT_TASK_TIMEOUT_MS = 2 * 60 * 60 * 1000;
/** An agent with no progress (only retry lines, or nothing) this long is stopped. */
export const DEFAULT_STALL_MS = 10 * 60 * 1000;

const name = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only, starting with a letter or digit');

const localSource = z.strictObject({
  kind: z.literal('local'),
  queue: name.default('default'),
  /** Completed tasks wait in `in_review` for Approve / Reject instead of going to `done`. */
  review: z.boolean().default(false),
});

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');

/** An absolute path with no `.`/`..` segment: what a path from outside may be compared against. */
const absoluteDir = z
  .string()
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'must be an absolute path')
  .refine((p) => !p.split(/[\\/]/).some((seg) => seg === '..' || seg === '.'), 'must not contain "." or ".." segments');

const httpSource = z.strictObject({
  kind: z.literal('http'),
  url: z.url({ protocol: /^https?$/ }),
  /** The bearer token in plaintext: still accepted, with a warning (prefer tokenEnv or tokenSecret). */
  token: z.string().min(1).optional(),
  /** The environment variable holding the bearer token (read at each request; never written anywhere). */
  tokenEnv: envName.optional(),
  /** The name of a token kept in the tray app's keychain (Electron safeStorage). */
  tokenSecret: name.optional(),
  /** How this daemon names itself when claiming; defaults to host/daemon. */
  worker: z.string().min(1).optional(),
  requestTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
  /**
   * Reconcile poll while a push channel is healthy. Every reconnect and every
   * status event already ticks the loop; this only catches what a proxy ate.
   */
  reconcileIntervalMs: z.number().int().min(1_000).default(1_800_000),
  /** Push channels to try, in order; "poll" is always the fallback. */
  push: z.array(z.enum(['sse', 'longpoll'])).default(['sse', 'longpoll']),
  /** Long-poll hold asked of the server (`wait=`), seconds. */
  longPollWaitS: z.number().int().min(1).max(300).default(50),
});

const postgresSource = z.strictObject({
  kind: z.literal('postgres'),
  /** A libpq connection string, e.g. postgres://user@host/db or host=/var/run/postgresql dbname=x */
  connectionString: z.string().min(1),
  queue: name.default('default'),
  /** Table schema; created by the source's migration when missing. */
  schema: name.default('nightshift'),
  leaseMs: z.number().int().min(1_000).default(60_000),
  worker: z.string().min(1).optional(),
  /** Backstop poll while LISTEN works (lease expiries wake the loop by themselves). */
  reconcileIntervalMs: z.number().int().min(1_000).default(1_800_000),
});

export const sourceConfigSchema = z
  .discriminatedUnion('kind', [localSource, httpSource, postgresSource])
  .superRefine((s, ctx) => {
    if (s.kind !== 'http') return;
    const given = (['token', 'tokenEnv', 'tokenSecret'] as const).filter((k) => s[k] !== undefined);
    if (given.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [given[1]!],
        message: `give one of ${given.map((k) => `"${k}"`).join(', ')}, not both`,
      });
    }
  });

const commonRuntime = {
  timeoutMs: z.number().int().min(1_000).default(DEFAULT_TASK_TIMEOUT_MS),
  stallMs: z.number().int().min(1_000).default(DEFAULT_STALL_MS),
  env: z.record(envName, z.string()).default({}),
};

/**
 * Runtimes whose agent writes to files in its run folder (all but ACP, whose
 * output the runner reads from pipes into bounded buffers): the cap on them.
 */
const outputCap = {
  maxOutputMb: z.number().int().min(1).max(1_048_576).default(DEFAULT_MAX_OUTPUT_MB),
};

const commandRuntime = z
  .strictObject({
    kind: z.literal('command'),
    command: z.array(z.string()).min(1, 'needs at least the program to run'),
    promptVia: z.enum(['stdin', 'arg']).default('stdin'),
    rateLimitPattern: z.string().refine(isValidRegex, 'is not a valid regular expression').optional(),
    ...commonRuntime,
    // A plain command may rightly be silent for long (a build): stall detection only when asked for.
    stallMs: commonRuntime.stallMs.unwrap().optional(),
    ...outputCap,
  })
  .refine((r) => r.promptVia !== 'arg' || r.command.some((a) => a.includes('{prompt}')), {
    message: 'promptVia "arg" needs a "{prompt}" placeholder in command',
    path: ['command'],
  });

const agentCliFields = {
  /** The CLI binary: a name looked up on PATH, or a path (relative to the config file's folder). */
  binary: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  /** Extra arguments appended to the CLI's own. */
  extraArgs: z.array(z.string()).default([]),
  ...commonRuntime,
  ...outputCap,
};

const agentCliRuntime = (kind: 'claude' | 'gemini' | 'copilot') => z.strictObject({ kind: z.literal(kind), ...agentCliFields });

const codexRuntime = z.strictObject({
  kind: z.literal('codex'),
  ...agentCliFields,
  /**
   * Arguments for `codex exec resume`, which refuses several of `exec`'s
   * (`--sandbox`, `--add-dir`, `-C`). Default: extraArgs with `--sandbox X`
   * as `-c sandbox_mode=X`, `--profile X` as `-c profile=X`, and the exec-only
   * options left out.
   */
  resumeExtraArgs: z.array(z.string()).optional(),
});

/** Any Agent Client Protocol agent over stdio (docs/runtimes.md, "acp"). */
const acpRuntime = z.strictObject({
  kind: z.literal('acp'),
  /** The agent program (a path, or a name on PATH). */
  binary: z.string().min(1),
  /** Its arguments, e.g. ["--acp"]. */
  args: z.array(z.string()).default([]),
  /**
   * Tool kinds whose permission requests are approved without asking; file
   * kinds (read, edit, delete, move) only for files inside the workspace.
   */
  autoApprove: z.array(z.enum(ACP_TOOL_KINDS)).default(['edit']),
  ...commonRuntime,
});

export const runtimeConfigSchema = z.union([
  commandRuntime,
  agentCliRuntime('claude'),
  codexRuntime,
  agentCliRuntime('gemini'),
  agentCliRuntime('copilot'),
  acpRuntime,
]);

export const daemonConfigSchema = z
  .strictObject({
    name,
    source: sourceConfigSchema,
    runtime: runtimeConfigSchema,
    maxConcurrent: tuningFields.maxConcurrent.default(1),
    pollIntervalMs: tuningFields.pollIntervalMs.default(DEFAULT_POLL_INTERVAL_MS),
    maxIdleBackoffMs: tuningFields.maxIdleBackoffMs.default(DEFAULT_MAX_IDLE_BACKOFF_MS),
    jitter: tuningFields.jitter.default(true),
    paused: z.boolean().default(false),
  })
  .refine(capAtLeastBase, CAP_BELOW_BASE);

export const configSchema = z
  .strictObject({
    daemons: z.array(daemonConfigSchema).min(1, 'needs at least one daemon'),
    /** Where worktrees, clones and scratch dirs go; default: the platform's cache folder, never the data dir. */
    workspaceRoot: absoluteDir.optional(),
    /**
     * Directories under which a task from a remote source (HTTP, PostgreSQL)
     * may name its `cwd` or local `repository`. None by default: such a task
     * runs in a scratch workspace.
     */
    workspaceRoots: z.array(absoluteDir).default([]),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.daemons.forEach((d, i) => {
      if (seen.has(d.name)) {
        ctx.addIssue({ code: 'custom', message: `duplicate daemon name "${d.name}"`, path: ['daemons', i, 'name'] });
      }
      seen.add(d.name);
    });
  });

export type SourceConfig = z.output<typeof sourceConfigSchema>;
export type RuntimeConfig = z.output<typeof runtimeConfigSchema>;
export type DaemonConfig = z.output<typeof daemonConfigSchema>;
export type NightshiftConfig = z.output<typeof configSchema>;
export type NightshiftConfigInput = z.input<typeof configSchema>;

export interface ParsedConfig {
  config: NightshiftConfig;
  warnings: string[];
}

/** Validates an already-parsed JSON value. Throws {@link ValidationError} naming each bad key. */
export function parseConfig(raw: unknown, origin = 'config'): ParsedConfig {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ValidationError(formatIssues(origin, parsed.error.issues));
  const warnings: string[] = [];
  for (const d of parsed.data.daemons) {
    if (d.source.kind === 'http' && d.source.token !== undefined) {
      warnings.push(
        `daemon "${d.name}": source.token is a secret in plaintext in ${origin}; use "tokenEnv" (an environment variable) or, in the tray app, "tokenSecret" (the keychain)`,
      );
    }
    if (d.pollIntervalMs < 1000) {
      warnings.push(`daemon "${d.name}": pollIntervalMs ${d.pollIntervalMs} is under 1000 ms; meant for demos and tests`);
    }
  }
  return { config: parsed.data, warnings };
}

/** Parses JSON text then validates it; a syntax error names the position. */
export function parseConfigText(text: string, origin = 'config'): ParsedConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`${origin}: not valid JSON: ${(err as Error).message}`);
  }
  return parseConfig(raw, origin);
}

function isValidRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}
