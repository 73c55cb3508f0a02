/**
 * Reading and creating the config file. The tray app keeps one in its data
 * directory (created with a single local daemon on first launch); the CLI
 * takes `--config FILE` or builds one from `--agent`.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { resolveCommandPaths } from './command-paths';
import { type NightshiftConfigInput, type ParsedConfig, parseConfig, parseConfigText } from './config';

export const CONFIG_FILE_NAME = 'nightshift.json';

/** The first-launch config of the tray app: one local queue, Claude Code, two slots. */
export function defaultConfig(): NightshiftConfigInput {
  return {
    daemons: [{ name: 'local', source: { kind: 'local', queue: 'default' }, runtime: { kind: 'claude' }, maxConcurrent: 2 }],
  };
}

/** The newcomer's one-liner: `nightshift run --agent "node agent.js"`. */
export function agentShorthandConfig(argv: string[], maxConcurrent = 1): NightshiftConfigInput {
  return {
    daemons: [
      {
        name: 'local',
        source: { kind: 'local', queue: 'default' },
        runtime: { kind: 'command', command: argv, promptVia: argv.some((a) => a.includes('{prompt}')) ? 'arg' : 'stdin' },
        maxConcurrent,
      },
    ],
  };
}

export async function loadConfigFile(path: string): Promise<ParsedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read config ${path}: ${(err as Error).message}`);
  }
  const parsed = parseConfigText(text, path);
  await resolveRuntimePaths(parsed, dirname(resolve(path)));
  return parsed;
}

/**
 * A config's relative paths mean "beside this file": `command` words (see
 * command-paths.ts) and a CLI runtime's `binary` when it has a slash. Done
 * once here, so no agent ever resolves them against its task's workspace.
 */
async function resolveRuntimePaths(parsed: ParsedConfig, configDir: string): Promise<void> {
  for (const daemon of parsed.config.daemons) {
    const runtime = daemon.runtime;
    if (runtime.kind === 'command') runtime.command = await resolveCommandPaths(runtime.command, configDir);
    else if (runtime.binary && !isAbsolute(runtime.binary) && runtime.binary.includes('/')) {
      runtime.binary = resolve(configDir, runtime.binary);
    }
  }
}

/** Loads `path`, writing {@link defaultConfig} there first when it does not exist. */
export async function loadOrCreateConfigFile(path: string): Promise<ParsedConfig> {
  try {
    return await loadConfigFile(path);
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
  const config = defaultConfig();
  await mkdir(dirname(path), { recursive: true });
  // Write beside the target then rename, so a crash never leaves half a file.
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(config, null, 2)}\n`, 'utf8');
  await rename(tmp, path);
  return parseConfig(config, path);
}

function isMissing(err: unknown): boolean {
  return err instanceof Error && /ENOENT/.test(err.message);
}
