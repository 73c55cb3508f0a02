/**
 * Builds a daemon's task source and agent runtime from its config section.
 */
import { hostname } from 'node:os';
import type { Clock } from './clock';
import type { DaemonConfig } from './config';
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

export function createSource(config: DaemonConfig, deps: FactoryDeps): TaskSource {
  const source = config.source;
  switch (source.kind) {
    case 'local':
      return new LocalTaskSource(deps.queue, {
        queue: source.queue,
        review: source.review,
        worker: workerName(config.name),
        runtime: config.runtime.kind,
      });
    case 'http':
      return createHttpSource(source, {
        daemon: config.name,
        clock: deps.clock,
        logger: deps.logger,
        ...(deps.secrets ? { secrets: deps.secrets } : {}),
      });
    case 'postgres':
      return createPostgresSource(source, {
        daemon: config.name,
        worker: source.worker ?? workerName(config.name),
        clock: deps.clock,
        logger: deps.logger,
      });
  }
}

export function createAgentRuntime(config: DaemonConfig, deps: FactoryDeps): AgentRuntime {
  return createRuntime(config.runtime, { logger: deps.logger, clock: deps.clock });
}
