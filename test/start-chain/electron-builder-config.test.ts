/**
 * electron-builder.yml as electron-builder itself reads and validates it
 * (app-builder-lib's getConfig + schema validation), checked against its own
 * defaults: the deb keeps every default dependency, macOS is signed ad hoc
 * after the fuses, and updates come from GitHub releases.
 */

import FpmTarget from 'app-builder-lib/out/targets/FpmTarget';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import { describe, expect, it } from 'vitest';
import { WRAPPER_SOURCE, wrapperEnv } from '../../src-main/core/runtimes/agent-wrapper';
import { ROOT } from './fixtures';

const config = await getConfig(ROOT, null, null);

describe('electron-builder.yml', () => {
  it('passes electron-builder schema validation', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('extends the deb dependencies instead of replacing electron-builder defaults', () => {
    // The defaults are a private method of electron-builder's deb/rpm target; read them from there, not from a copy.
    // biome-ignore lint/complexity/useLiteralKeys: the method is private in its typings; bracket access is how TypeScript allows reaching it
    const defaults: string[] = FpmTarget.prototype['getDefaultDepends']('deb');
    expect(defaults).toContain('libgtk-3-0');
    expect(config.deb?.depends).toEqual(expect.arrayContaining(defaults));
  });

  it('signs the macOS app ad hoc after flipping the fuses, so Apple silicon launches it', () => {
    expect(config.mac?.identity).toBe('-');
    expect(config.mac?.hardenedRuntime).toBe(false);
    expect(config.electronFuses?.resetAdHocDarwinSignature).toBe(true);
  });

  it('keeps the runAsNode fuse on: the packaged app runs every agent wrapper as itself in Node mode', () => {
    // Under Electron the wrapper is process.execPath with ELECTRON_RUN_AS_NODE=1; with the fuse off
    // the packaged binary ignores that variable, starts a second app instead, and no agent ever runs.
    const electron = process.versions.electron;
    Object.defineProperty(process.versions, 'electron', { value: '45.0.0', configurable: true });
    try {
      expect(wrapperEnv({ PATH: '/bin' }).ELECTRON_RUN_AS_NODE).toBe('1');
    } finally {
      if (electron === undefined) Reflect.deleteProperty(process.versions, 'electron');
      else Object.defineProperty(process.versions, 'electron', { value: electron, configurable: true });
    }
    expect(WRAPPER_SOURCE).toContain('delete env.ELECTRON_RUN_AS_NODE');
    expect(config.electronFuses?.runAsNode).toBe(true);
  });

  it('publishes update metadata for GitHub releases', () => {
    expect(config.publish).toEqual([{ provider: 'github', releaseType: 'release' }]);
  });
});
