/**
 * Every fuzz campaign against one real core, in order, with the message
 * count per campaign as the only knob: the full script and the short test
 * run the same thing at different sizes.
 */
import { startFuzzCore } from './fuzz-core';
import { type CampaignFigures, fuzzConfigFiles, fuzzContract, fuzzRawFrames, fuzzTaskPayloads } from './fuzz-run';
import { directTransport, ipcTransport, websocketTransport } from './fuzz-transports';

export interface FuzzSizes {
  contract: number;
  payloads: number;
  rawFrames: number;
  configs: number;
  seed: number;
}

export async function runAllCampaigns(sizes: FuzzSizes): Promise<CampaignFigures[]> {
  const target = await startFuzzCore();
  const ws = await websocketTransport(target);
  const out: CampaignFigures[] = [];
  try {
    for (const transport of [directTransport(target), ipcTransport(target), ws]) {
      out.push(await fuzzContract(target, transport, sizes.contract, sizes.seed));
      out.push(await fuzzTaskPayloads(target, transport, sizes.payloads, sizes.seed + 1));
    }
    // A page that is not Nightshift's own: every call refused before its arguments are read.
    const foreign = ipcTransport(target, 'https://evil.example/');
    const refused = await fuzzContract(target, foreign, Math.min(sizes.contract, 1_000), sizes.seed + 2);
    out.push({ ...refused, campaign: 'contract via IPC from a foreign frame (all refused)' });
    await foreign.close();
    out.push(await fuzzRawFrames(target, ws, sizes.rawFrames, sizes.seed + 3));
    out.push(await fuzzConfigFiles(sizes.configs, sizes.seed + 4));
  } finally {
    await ws.close();
    await target.close();
  }
  return out;
}
