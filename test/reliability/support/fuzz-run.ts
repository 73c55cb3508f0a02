/**
 * The fuzz campaigns, shared by the full script (fuzz.ts, large counts) and
 * the short test (fuzz.test.ts): each runs fast-check over one target and
 * returns its figures; a broken property is reported with fast-check's
 * shrunk counterexample and seed, so it can be replayed.
 */

import { requestMessageSchema } from '@shared/wire';
import fc from 'fast-check';
import { parseConfigText } from '../../../src-main/core/config';
import { ValidationError } from '../../../src-main/core/errors';
import { configText } from './config-arbitraries';
import { contractMessage, oddText, validArgs } from './contract-arbitraries';
import type { DbFingerprint, FuzzCore } from './fuzz-core';
import type { Transport } from './fuzz-transports';
import { watchForCrashes } from './process-watch';
import { judgeReply } from './reply-oracle';

export interface CampaignFigures {
  campaign: string;
  runs: number;
  results: number;
  /** Error replies by code. */
  errors: Record<string, number>;
  /** null when every property held; else fast-check's report (counterexample, seed, path). */
  failure: string | null;
  crashes: string[];
  ms: number;
}

function tally(errors: Record<string, number>, code: string): void {
  errors[code] = (errors[code] ?? 0) + 1;
}

/** Refused by the transport itself (frame over the size cap, foreign IPC sender): it still must not write anything. */
function transportRefusal(target: FuzzCore, reply: unknown, before: DbFingerprint, f: CampaignFigures): boolean {
  if (!reply || typeof reply !== 'object') return false;
  if ('transportRefused' in reply) tally(f.errors, 'ws_frame_too_big');
  else if ('refused' in reply) tally(f.errors, 'foreign_sender_refused');
  else return false;
  if (target.fingerprint().dataVersion !== before.dataVersion) throw new Error('a refused call wrote to the database');
  return true;
}

async function campaign(
  label: string,
  runs: number,
  seed: number,
  body: (f: CampaignFigures) => fc.IAsyncProperty<[unknown]> | fc.IAsyncProperty<unknown[]>,
): Promise<CampaignFigures> {
  const watch = watchForCrashes();
  const figures: CampaignFigures = { campaign: label, runs, results: 0, errors: {}, failure: null, crashes: [], ms: 0 };
  const started = performance.now();
  try {
    await fc.assert(body(figures), { numRuns: runs, seed, endOnFailure: false });
  } catch (err) {
    // Counterexamples can be megabytes (huge prompts): keep the report readable.
    figures.failure = (err as Error).message
      .split('\n')
      .slice(0, 12)
      .map((line) => (line.length > 400 ? `${line.slice(0, 400)}… (${line.length} chars)` : line))
      .join('\n');
  } finally {
    figures.ms = performance.now() - started;
    figures.crashes = [...watch.crashes];
    watch.dispose();
  }
  return figures;
}

/** Random and mutated contract messages through one transport into the real handlers. */
export function fuzzContract(target: FuzzCore, transport: Transport, runs: number, seed: number): Promise<CampaignFigures> {
  return campaign(`contract via ${transport.name}`, runs, seed, (f) =>
    fc.asyncProperty(contractMessage, async ({ name, args }) => {
      const carriedName = transport.name === 'WebSocket bridge' ? transport.carry(name) : name;
      const carried = transport.carry(args);
      const envelopeRejected =
        transport.name === 'WebSocket bridge' &&
        !requestMessageSchema.safeParse({ type: 'request', id: 1, name: carriedName, args: carried }).success;
      const before = target.fingerprint();
      const reply = await transport.send(name, args);
      if (transportRefusal(target, reply, before, f)) return;
      const { problems, outcome } = await judgeReply(target, carriedName, carried, reply, before, envelopeRejected);
      if (outcome.kind === 'result') f.results++;
      else tally(f.errors, outcome.code ?? '?');
      if (problems.length > 0) throw new Error(problems.join('\n'));
    }),
  );
}

/** addTask alone, weighted to huge prompts and odd Unicode, missing and extra fields. */
export function fuzzTaskPayloads(target: FuzzCore, transport: Transport, runs: number, seed: number): Promise<CampaignFigures> {
  const payload = fc.oneof(
    { weight: 6, arbitrary: validArgs.addTask },
    { weight: 1, arbitrary: fc.record({ title: oddText(50) }) },
    { weight: 1, arbitrary: validArgs.addTask.map((a) => ({ ...(a as object), priority: 'high' })) },
    { weight: 1, arbitrary: validArgs.addTask.map((a) => ({ ...(a as object), prompt: 42 })) },
  );
  return campaign(`task payloads via ${transport.name}`, runs, seed, (f) =>
    fc.asyncProperty(payload, async (args) => {
      const carried = transport.carry(args);
      const before = target.fingerprint();
      const reply = await transport.send('addTask', args);
      if (transportRefusal(target, reply, before, f)) return;
      const { problems, outcome } = await judgeReply(target, 'addTask', carried, reply, before);
      if (outcome.kind === 'result') f.results++;
      else tally(f.errors, outcome.code ?? '?');
      if (problems.length > 0) throw new Error(problems.join('\n'));
    }),
  );
}

/** Mutated config files: parsed, or refused with a ValidationError naming the origin. */
export function fuzzConfigFiles(runs: number, seed: number): Promise<CampaignFigures> {
  return campaign('config files (parseConfigText)', runs, seed, (f) =>
    fc.asyncProperty(configText, async (text) => {
      try {
        const { config } = parseConfigText(text, 'fuzz.json');
        f.results++;
        // Accepted output must itself be a valid config: defaults applied, nothing half-parsed.
        parseConfigText(JSON.stringify(config), 'round-trip');
      } catch (err) {
        if (!(err instanceof ValidationError)) throw new Error(`threw ${(err as Error)?.name}: ${(err as Error)?.message}`);
        if (!err.message.startsWith('fuzz.json')) throw new Error(`message does not name the file: ${err.message}`);
        tally(f.errors, err.message.includes('not valid JSON') ? 'json_syntax' : 'schema');
      }
    }),
  );
}

/** Frames that are not even request envelopes: the server replies or closes, and keeps serving. */
export function fuzzRawFrames(
  target: FuzzCore,
  transport: Transport & { sendRaw(text: string): Promise<unknown> },
  runs: number,
  seed: number,
): Promise<CampaignFigures> {
  const frame = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.jsonValue().map((v) => JSON.stringify(v)),
  );
  return campaign('raw WebSocket frames', runs, seed, (f) =>
    fc.asyncProperty(frame, async (text) => {
      const before = target.fingerprint();
      const answer = (await transport.sendRaw(text)) as Record<string, unknown>;
      if ('closed' in answer) {
        if (answer.closed !== 1008) throw new Error(`closed with ${String(answer.closed)}, expected 1008 (policy)`);
        tally(f.errors, 'closed_1008');
      } else if ('error' in answer) {
        tally(f.errors, String((answer.error as { code: string }).code));
      } else {
        f.results++;
      }
      const after = target.fingerprint();
      if (after.dataVersion !== before.dataVersion) {
        // A frame that happened to be a valid request may write; anything else must not.
        if (!('result' in answer))
          throw new Error(`frame ${JSON.stringify(text).slice(0, 80)} was refused but the database changed`);
      }
    }),
  );
}
