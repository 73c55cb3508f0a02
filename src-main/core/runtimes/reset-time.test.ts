import { describe, expect, it } from 'vitest';
import { findResetTime, parseClockTime, parseDuration, parseResetValue } from './reset-time';

const now = new Date(2026, 10, 25, 10, 0, 0).getTime(); // local 10:00

describe('reset times', () => {
  it('reads epoch seconds, epoch ms and ISO values', () => {
    expect(parseResetValue('1795000000')).toBe(1_795_000_000_000);
    expect(parseResetValue('1795000000123')).toBe(1_795_000_000_123);
    expect(parseResetValue('2026-11-25T15:00:00Z')).toBe(Date.UTC(2026, 10, 25, 15));
    expect(parseResetValue('soon')).toBeUndefined();
  });

  it('reads durations', () => {
    expect(parseDuration('38.2s')).toBe(38_200);
    expect(parseDuration('2 hours 30 minutes')).toBe(9_000_000);
    expect(parseDuration('1h 5m')).toBe(3_900_000);
    expect(parseDuration('later')).toBeUndefined();
  });

  it('takes a clock time as the next such local time', () => {
    expect(parseClockTime('3:45 PM', now)).toBe(new Date(2026, 10, 25, 15, 45).getTime());
    expect(parseClockTime('Nov 26th, 2026 3:45 PM', now)).toBe(new Date(2026, 10, 26, 15, 45).getTime());
  });

  it('honours the zone in parentheses', () => {
    const utcNoon = Date.UTC(2026, 10, 25, 12, 0);
    // Paris is UTC+1 in November: 9am there is 08:00 UTC, already past today → tomorrow.
    expect(parseClockTime('9am (Europe/Paris)', utcNoon)).toBe(Date.UTC(2026, 10, 26, 8, 0));
    expect(parseClockTime('3pm (UTC)', utcNoon)).toBe(Date.UTC(2026, 10, 25, 15, 0));
    // New York in July is UTC-4 (a DST date).
    expect(parseClockTime('Jul 4, 9am (America/New_York)', utcNoon)).toBe(Date.UTC(2027, 6, 4, 13, 0));
  });

  it("reads the weekly limit's dated reset, this year or the next", () => {
    const utcNoon = Date.UTC(2026, 10, 25, 12, 0);
    expect(findResetTime('Weekly limit reached ∙ resets Dec 8, 9am (UTC)', utcNoon)).toBe(Date.UTC(2026, 11, 8, 9, 0));
    expect(findResetTime('Weekly limit reached ∙ resets Jan 2, 9am (UTC)', utcNoon)).toBe(Date.UTC(2027, 0, 2, 9, 0));
  });

  it('takes a reset equal to now (or just passed) as now, not as tomorrow', () => {
    const tenSharp = Date.UTC(2026, 10, 25, 10, 0, 30);
    expect(findResetTime('5-hour limit reached ∙ resets 10am (UTC)', tenSharp)).toBe(Date.UTC(2026, 10, 25, 10, 0));
    expect(findResetTime('Weekly limit reached ∙ resets Nov 25, 10am (UTC)', tenSharp)).toBe(Date.UTC(2026, 10, 25, 10, 0));
    // Two hours ago is not "just passed": that clock time comes back tomorrow.
    expect(findResetTime('resets 8am (UTC)', tenSharp)).toBe(Date.UTC(2026, 10, 26, 8, 0));
  });

  it('finds the reset in each CLI message format', () => {
    expect(
      findResetTime(
        "You've hit your usage limit. Upgrade to Plus (https://chatgpt.com/explore/plus), or try again at 3:45 PM.",
        now,
      ),
    ).toBe(new Date(2026, 10, 25, 15, 45).getTime());
    expect(findResetTime('Claude AI usage limit reached|1795000000', now)).toBe(1_795_000_000_000);
    expect(findResetTime('5-hour limit reached ∙ resets 3pm', now)).toBe(new Date(2026, 10, 25, 15).getTime());
    expect(findResetTime('[API Error: You have exhausted your capacity on this model. Please retry in 38.2s.]', now)).toBe(
      now + 38_200,
    );
    expect(findResetTime('You have exhausted your daily quota on this model.', now)).toBeUndefined();
  });
});
