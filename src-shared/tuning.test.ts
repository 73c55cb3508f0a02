import { describe, expect, it } from 'vitest';
import { CAP_BELOW_BASE, capAtLeastBase, TUNING_LIMITS, tuningFields } from './tuning';

describe('tuning fields', () => {
  it.each(['pollIntervalMs', 'maxIdleBackoffMs', 'maxConcurrent'] as const)(
    '%s takes its limits and refuses one past each',
    (field) => {
      const { min, max } = TUNING_LIMITS[field];
      const schema = tuningFields[field];
      expect(schema.safeParse(min).success).toBe(true);
      expect(schema.safeParse(max).success).toBe(true);
      expect(schema.safeParse(min - 1).error?.issues[0]?.message).toMatch(/^must be at least /);
      expect(schema.safeParse(max + 1).error?.issues[0]?.message).toMatch(/^must be at most /);
      expect(schema.safeParse(min + 0.5).error?.issues[0]?.message).toMatch(/^must be a whole number/);
    },
  );

  it('says the largest durations in hours and days too', () => {
    expect(tuningFields.pollIntervalMs.safeParse(3_600_001).error?.issues[0]?.message).toBe(
      'must be at most 3600000 ms (1 hour)',
    );
    expect(tuningFields.maxIdleBackoffMs.safeParse(86_400_001).error?.issues[0]?.message).toBe(
      'must be at most 86400000 ms (1 day)',
    );
  });

  it('the cap is never below the base, where both are given', () => {
    expect(capAtLeastBase({ pollIntervalMs: 10_000, maxIdleBackoffMs: 10_000 })).toBe(true);
    expect(capAtLeastBase({ pollIntervalMs: 10_000, maxIdleBackoffMs: 9_999 })).toBe(false);
    expect(capAtLeastBase({ maxIdleBackoffMs: 1 })).toBe(true);
    expect(CAP_BELOW_BASE.path).toEqual(['maxIdleBackoffMs']);
  });
});
