/**
 * The CLI's zod-free reading of a control-socket line answers as the
 * protocol's zod schemas do, for generated lines around every rule: ids of
 * each kind and length, result present or not, error codes known and not,
 * extra keys, the refusal line.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authRefusalSchema, replyEnvelopeSchema } from './protocol';
import { readReplyLine } from './reply-line';

function viaSchemas(raw: unknown) {
  const refusal = authRefusalSchema.safeParse(raw);
  if (refusal.success) return { kind: 'refusal', message: refusal.data.error.message };
  const parsed = replyEnvelopeSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'malformed' };
  const { id, ...reply } = parsed.data as { id: string | number | null } & Record<string, unknown>;
  return { kind: 'reply', id, reply: 'error' in reply ? { error: reply.error } : { result: reply.result } };
}

const id = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.constantFrom(1.5, Number.MAX_SAFE_INTEGER + 2, -0),
  fc.string({ maxLength: 3 }),
  fc.constantFrom('x'.repeat(100), 'x'.repeat(101), `${'x'.repeat(99)}\uD83D\uDE00`),
  fc.constant(undefined),
  fc.boolean(),
);
const error = fc.oneof(
  fc.record(
    {
      code: fc.constantFrom('bad_request', 'not_found', 'internal', 'unauthorized', 'nope', 3),
      message: fc.oneof(fc.string({ maxLength: 4 }), fc.integer()),
      extra: fc.constant(1),
    },
    { requiredKeys: [] },
  ),
  fc.constant(null),
  fc.string({ maxLength: 2 }),
);
const line = fc.record(
  {
    id,
    result: fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer(), fc.array(fc.integer(), { maxLength: 2 })),
    error,
    type: fc.constant('reply'),
  },
  { requiredKeys: [] },
);

describe('reading a control-socket reply line without zod', () => {
  it('agrees with the protocol schemas', () => {
    fc.assert(
      fc.property(fc.oneof(line, fc.constantFrom(null, [], 'x', 3)), (raw) => {
        expect(readReplyLine(raw)).toEqual(viaSchemas(raw));
      }),
      { numRuns: 2000 },
    );
  });

  it('the known lines (the comparison is not vacuous)', () => {
    expect(readReplyLine({ id: 3, result: [1] })).toEqual({ kind: 'reply', id: 3, reply: { result: [1] } });
    expect(readReplyLine({ id: null, error: { code: 'unauthorized', message: 'no' } })).toEqual({
      kind: 'refusal',
      message: 'no',
    });
    expect(readReplyLine({ id: 3, error: { code: 'nope', message: 'x' } })).toEqual({ kind: 'malformed' });
  });
});
