/**
 * Fuzzing, short form (the full 10 000-message form is fuzz.ts): every
 * campaign at 500 inputs against a real core, its real handlers, the IPC
 * handler layer (fake ipcMain) and the real WebSocket bridge on 127.0.0.1.
 */
import { describe, expect, it, vi } from 'vitest';
import { runAllCampaigns } from './support/fuzz-campaigns';

// The IPC layer imports Electron's types only; should that ever change, no test may load the real binary.
vi.mock('electron', () => ({}));

describe('fuzzing the contract, task payloads and config files', () => {
  it('every input gets a validation error or a correct result; nothing crashes; rejections write nothing', async () => {
    const figures = await runAllCampaigns({ contract: 500, payloads: 200, rawFrames: 300, configs: 500, seed: 42 });
    for (const f of figures) {
      expect(f.failure, f.campaign).toBeNull();
      expect(f.crashes, f.campaign).toEqual([]);
    }
    const by = Object.fromEntries(figures.map((f) => [f.campaign, f]));
    // The generators really reach both sides of every property.
    for (const via of ['dispatchRequest', 'IPC handlers', 'WebSocket bridge']) {
      const c = by[`contract via ${via}`]!;
      expect(c.results, via).toBeGreaterThan(50);
      expect(c.errors.bad_request ?? 0, via).toBeGreaterThan(50);
      expect(by[`task payloads via ${via}`]!.results, via).toBeGreaterThan(10);
    }
    expect(by['contract via IPC from a foreign frame (all refused)']!.results).toBe(0);
    const configs = by['config files (parseConfigText)']!;
    expect(configs.results).toBeGreaterThan(20);
    expect(configs.errors.schema ?? 0).toBeGreaterThan(20);
  }, 120_000);
});
