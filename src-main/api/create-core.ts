/**
 * The core's front door for the shells: builds the Supervisor and hands out
 * the NightshiftCore over it (contract handlers, events, stop). Both shells
 * call this and nothing deeper.
 */
import { type CoreOptions, createSupervisor } from '../core/create-supervisor';
import type { Supervisor } from '../core/supervisor';
import type { NightshiftCore } from './core-api';
import { createHandlers } from './handlers';

export async function createCore(options: CoreOptions): Promise<NightshiftCore> {
  return coreOver(await createSupervisor(options));
}

/** The NightshiftCore over an existing Supervisor (tests and benches build one to look inside). */
export function coreOver(supervisor: Supervisor): NightshiftCore {
  return {
    handlers: createHandlers(supervisor),
    sourceCredentialsChanged: (daemon) => supervisor.sourceCredentialsChanged(daemon),
    on: (event, listener) => supervisor.on(event, listener),
    stop: (options) => supervisor.stop(options),
  };
}
