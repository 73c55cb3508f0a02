/**
 * fast-check arbitraries for contract traffic: for each request a generator
 * of well-formed arguments, and mutations of them (a key dropped, an unknown
 * key added, a value replaced by anything, the whole argument replaced), plus
 * names that are not requests at all. Strings lean on the odd: lone
 * surrogates, RTL overrides, NUL, emoji sequences, huge prompts.
 */

import { REQUEST_NAMES, type RequestName } from '@shared/contract';
import { SESSION_STATES } from '@shared/sessions';
import { TUNING_KEYS } from '@shared/settings';
import { TASK_STATUSES } from '@shared/task';
import fc from 'fast-check';
import { DAEMON } from './fuzz-core';

const ODD = [
  '\u0000',
  '\u202Eevil\u202C',
  '\uD800',
  '\uDFFF',
  'a\uD83D',
  '👩‍👩‍👧‍👦',
  '\uFEFF',
  'e\u0301',
  '\r\n',
  '$(rm -rf ~)',
  "'; DROP TABLE tasks; --",
];

/** Any text a person (or an attacker) might type, weighted toward the awkward. */
export const oddText = (maxLength = 200): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength }) },
    { weight: 2, arbitrary: fc.array(fc.constantFrom(...ODD), { minLength: 1, maxLength: 6 }).map((p) => p.join('')) },
    { weight: 1, arbitrary: fc.constant('') },
  );

/** Prompts around the contract's 1 000 000-character limit, rarely: they are slow to store. */
export const hugeText = fc.constantFrom(999_999, 1_000_000, 1_000_001).map((n) => `${'界'.repeat(n - 1)}x`);

const daemonName = fc.oneof({ weight: 3, arbitrary: fc.constant(DAEMON) }, { weight: 1, arbitrary: oddText(80) });
const limit = fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer(), fc.double());
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

/** Drops undefined values, as JSON and structured clone would. */
const record = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T) =>
  fc.record(fields).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));

export const validArgs: Record<RequestName, fc.Arbitrary<unknown>> = {
  getSnapshot: fc.constant({}),
  pauseDaemon: record({ name: daemonName }),
  wakeDaemon: record({ name: daemonName }),
  pauseAll: fc.constant({}),
  wakeAll: fc.constant({}),
  getTicks: record({ daemon: daemonName, since: fc.nat(), limit: opt(limit) }),
  listSessions: record({
    daemon: opt(daemonName),
    states: opt(fc.subarray([...SESSION_STATES])),
    limit: opt(limit),
  }),
  getSessionEvents: record({ sessionId: oddText(250) }),
  getSessionSpans: record({ daemon: opt(daemonName), since: fc.nat() }),
  listTasks: record({ queue: opt(oddText(70)), status: opt(fc.subarray([...TASK_STATUSES])), limit: opt(limit) }),
  addTask: record({
    prompt: fc.oneof({ weight: 40, arbitrary: oddText(2_000) }, { weight: 1, arbitrary: hugeText }),
    title: opt(oddText(600)),
    cwd: opt(fc.oneof(fc.constant(process.cwd()), oddText(100))),
    // Mostly what the fuzz core's daemon takes (queue "default", runtime "command"): an
    // unknown queue or runtime is refused by the handler (bad_request, nothing written).
    runtime: opt(fc.oneof({ weight: 3, arbitrary: fc.constant('command') }, { weight: 1, arbitrary: oddText(70) })),
    queue: opt(fc.oneof({ weight: 3, arbitrary: fc.constant('default') }, { weight: 1, arbitrary: oddText(70) })),
  }),
  getTask: record({ id: oddText(250) }),
  cancelTask: record({ id: oddText(250) }),
  approveTask: record({ id: oddText(250) }),
  rejectTask: record({ id: oddText(250), reason: oddText(500) }),
  getSettings: fc.constant({}),
  resetDaemonTuning: record({
    name: daemonName,
    keys: opt(fc.subarray([...TUNING_KEYS], { minLength: 1 })),
  }),
  setSettings: record({
    app: opt(record({ startAtLogin: opt(fc.boolean()), pauseOnBattery: opt(fc.boolean()), notifications: opt(fc.boolean()) })),
    daemons: opt(
      fc.array(
        record({
          name: daemonName,
          pollIntervalMs: opt(fc.integer({ min: 0, max: 4_000_000 })),
          maxIdleBackoffMs: opt(fc.integer({ min: 0, max: 90_000_000 })),
          maxConcurrent: opt(fc.integer({ min: 0, max: 70 })),
          jitter: opt(fc.boolean()),
        }),
        { maxLength: 3 },
      ),
    ),
  }),
};

type Mutation = 'none' | 'drop' | 'extra' | 'replace' | 'whole';

/** Applies one structural mutation to an argument object. */
function mutate(args: unknown, how: Mutation, pick: number, junk: unknown, extraKey: string): unknown {
  if (how === 'none') return args;
  if (how === 'whole' || args === null || typeof args !== 'object') return junk;
  const copy: Record<string, unknown> = { ...(args as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const key = keys.length > 0 ? keys[pick % keys.length]! : extraKey;
  if (how === 'drop') delete copy[key];
  else if (how === 'replace') copy[key] = junk;
  // defineProperty, as JSON.parse does: an "__proto__" key is data, not a prototype.
  else Object.defineProperty(copy, extraKey, { value: junk, enumerable: true, configurable: true, writable: true });
  return copy;
}

export interface ContractMessage {
  name: unknown;
  args: unknown;
}

/** A request name (mostly real) and arguments (valid, mutated or junk). */
export const contractMessage: fc.Arbitrary<ContractMessage> = fc.oneof(
  {
    weight: 9,
    arbitrary: fc
      .constantFrom(...REQUEST_NAMES)
      .chain((name) =>
        fc
          .tuple(
            validArgs[name],
            fc.constantFrom<Mutation>('none', 'none', 'drop', 'extra', 'replace', 'whole'),
            fc.nat(),
            fc.oneof(fc.jsonValue(), fc.anything()),
            fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'toString')),
          )
          .map(([args, how, pick, junk, extraKey]) => ({ name, args: mutate(args, how, pick, junk, extraKey) })),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      name: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', 'getsnapshot'), fc.anything()),
      args: fc.anything(),
    }),
  },
);
