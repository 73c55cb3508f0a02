/**
 * Config files for the fuzzer: a valid file (every source and runtime kind),
 * then mutated — as a JSON tree (a key dropped, added or given a wrong value,
 * at any depth) or as text (cut short, a character inserted or removed).
 */
import fc from 'fast-check';

const daemon = fc.record({
  name: fc.constantFrom('local', 'team-board', 'pg.queue_1'),
  source: fc.constantFrom<unknown>(
    { kind: 'local', queue: 'default' },
    { kind: 'http', url: 'http://127.0.0.1:8787', token: 't0k', push: ['sse'], requestTimeoutMs: 5_000 },
    { kind: 'postgres', connectionString: 'host=/var/run/postgresql dbname=x', leaseMs: 60_000 },
  ),
  runtime: fc.constantFrom<unknown>(
    { kind: 'command', command: ['node', 'agent.js'], promptVia: 'stdin', env: { A_B: '1' } },
    { kind: 'command', command: ['agent', '{prompt}'], promptVia: 'arg', rateLimitPattern: 'reset=(?<reset>\\d+)' },
    { kind: 'claude', model: 'sonnet', extraArgs: ['--verbose'] },
    { kind: 'codex' },
    { kind: 'gemini', timeoutMs: 60_000 },
    { kind: 'copilot', model: 'gpt-5', env: { COPILOT_OFFLINE: 'true' } },
    { kind: 'acp', binary: 'gemini', args: ['--acp'], autoApprove: ['edit', 'read'] },
  ),
  maxConcurrent: fc.integer({ min: 1, max: 8 }),
  pollIntervalMs: fc.constantFrom(500, 10_000),
  maxIdleBackoffMs: fc.constant(120_000),
  jitter: fc.boolean(),
});

const validConfig = fc
  .uniqueArray(daemon, { minLength: 1, maxLength: 3, selector: (d) => d.name })
  .map((daemons) => ({ daemons }));

type Json = unknown;

/** Every path to a node of the tree, so a mutation can land anywhere. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) out.push(...paths(v, [...prefix, i]));
  } else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function mutateTree(root: Json, path: (string | number)[], how: 'drop' | 'replace' | 'extra', junk: Json, key: string): Json {
  if (path.length === 0) return how === 'replace' ? junk : root;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let parent = copy;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (how === 'drop') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (how === 'replace') parent[last] = junk;
  else if (parent[last] && typeof parent[last] === 'object' && !Array.isArray(parent[last]))
    (parent[last] as Record<string, unknown>)[key] = junk;
  return copy;
}

const treeMutated = fc
  .tuple(
    validConfig,
    fc.nat(),
    fc.constantFrom<'drop' | 'replace' | 'extra'>('drop', 'replace', 'extra'),
    fc.oneof(fc.jsonValue(), fc.constantFrom(-1, 0, Number.MAX_VALUE, 0.5, '', 'x'.repeat(70), [], {}, null)),
    fc.string({ minLength: 1, maxLength: 10 }),
  )
  .map(([cfg, pick, how, junk, key]) => {
    const all = paths(cfg);
    return JSON.stringify(mutateTree(cfg, all[pick % all.length]!, how, junk, key), null, 2);
  });

const textMutated = fc
  .tuple(
    validConfig,
    fc.nat(),
    fc.constantFrom('cut', 'insert', 'delete'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }),
  )
  .map(([cfg, pick, how, chars]) => {
    const text = JSON.stringify(cfg, null, 2);
    const at = pick % (text.length + 1);
    if (how === 'cut') return text.slice(0, at);
    if (how === 'insert') return text.slice(0, at) + chars + text.slice(at);
    return text.slice(0, at) + text.slice(at + 1);
  });

export const configText: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: validConfig.map((c) => JSON.stringify(c)) },
  { weight: 5, arbitrary: treeMutated },
  { weight: 3, arbitrary: textMutated },
  { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
);
