/**
 * Renders a view against a fake core through the same dispatch the real
 * transports use, so component tests exercise argument validation and error
 * replies as the page would see them.
 */

import type { SourceTokensBridge } from '@shared/bridge-types';
import type { EventName } from '@shared/contract';
import type { DaemonSnapshot } from '@shared/snapshot';
import { configure, render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { dispatchRequest } from '../../src-main/api/dispatch';
import { apiOver, type Bridge } from '../../src-renderer/src/bridge';
import { DashboardContext } from '../../src-renderer/src/context';
import { connectStore, createDashboardStore, loadInitial } from '../../src-renderer/src/store';
import { createFakeCore, type FakeCore } from './fake-core';

// findBy*/waitFor give up after 1 s by default; on a loaded 2-core CI machine a
// render plus a round trip through the dispatch has taken longer. Waiting longer
// only delays a real failure, it cannot hide one.
configure({ asyncUtilTimeout: 5_000 });

export function bridgeTo(core: FakeCore): Bridge {
  return {
    invoke: (name, args) => dispatchRequest(core.handlers, name, args) as never,
    on: (event: EventName, listener: (payload: unknown) => void) => core.on(event, listener as never),
  } as Bridge;
}

export interface RenderOptions {
  /** The tray app's keychain bridge (window.nightshift.sourceTokens). */
  sourceTokens?: SourceTokensBridge;
  /** The headless dashboard rather than the tray app's window. */
  headless?: boolean;
}

export async function renderDashboard(ui: ReactNode, daemons?: DaemonSnapshot[], options: RenderOptions = {}) {
  const core = createFakeCore(daemons ? { daemons } : {});
  const store = createDashboardStore({ headless: options.headless ?? false });
  const bridge = bridgeTo(core);
  connectStore(store, bridge);
  await loadInitial(store, bridge);
  const result = render(
    <DashboardContext.Provider value={{ store, api: apiOver(bridge), sourceTokens: options.sourceTokens }}>
      {ui}
    </DashboardContext.Provider>,
  );
  return { ...result, core, store };
}
