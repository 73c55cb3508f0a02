/**
 * Builds a daemon's task source and agent runtime from its config section.
 */
import { hostname } from 'node:os';
import type { Clock } from './clock';
import type { DaemonConfig, SourceConfig } from './config';
import type { Logger } from './log';
import { createRuntime } from './runtimes';
import type { AgentRuntime } from './runtimes/port';
import type { SecretStore } from './secret-port';
import { createHttpSource } from './sources/http';
import { LocalTaskSource } from './sources/local';
import type { LocalTaskQueue } from './sources/local-queue';
import type { TaskSource } from './sources/port';
import { createPostgresSource } from './sources/postgres';

export interface FactoryDeps {
  queue: LocalTaskQueue;
  clock: Clock;
  logger: Logger;
  /** The tray app's keychain, for `tokenSecret`; the CLI has none. */
  secrets?: SecretStore;
}

export function workerName(daemon: string): string {
  return `${hostname()}/${daemon}`;
}

type SourceKind = SourceConfig['kind'];
type SourceFactory<K extends SourceKind> = (
  source: Extract<SourceConfig, { kind: K }>,
  daemon: DaemonConfig,
  deps: FactoryDeps,
) => TaskSource;

/**
 * One entry per source kind. The kinds themselves are declared once, by the
 * config schema (config.ts, sourceConfigSchema): a kind added there and
 * missing here, or listed here and unknown there, fails to compile.
 */
const SOURCES: { [K in SourceKind]: SourceFactory<K> } = {
  local: (source, daemon, deps) =>
    new LocalTaskSource(deps.queue, {
      queue: source.queue,
      review: source.review,
      worker: workerName(daemon.name),
      runtime: daemon.runtime.kind,
    }),
  http: (source, daemon, deps) =>
    createHttpSource(source, {
      daemon: daemon.name,
      clock: deps.clock,
      logger: deps.logger,
      ...(deps.secrets ? { secrets: deps.secrets } : {}),
    }),
  postgres: (source, daemon, deps) =>
    createPostgresSource(source, {
      daemon: daemon.name,
      worker: source.worker ?? workerName(daemon.name),
      clock: deps.clock,
      logger: deps.logger,
    }),
};

export function createSource(config: DaemonConfig, deps: FactoryDeps): TaskSource {
  const create = SOURCES[config.source.kind] as SourceFactory<SourceKind>;
  return create(config.source, config, deps);
}

export function createAgentRuntime(config: DaemonConfig, deps: FactoryDeps): AgentRuntime {
  return createRuntime(config.runtime, { logger: deps.logger, clock: deps.clock });
}
