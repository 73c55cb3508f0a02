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
    expect(parseClockTime('9am (Europe/Paris)', now)).toBe(new Date(2026, 10, 26, 9, 0).getTime());
    expect(parseClockTime('Nov 26th, 2026 3:45 PM', now)).toBe(new Date(2026, 10, 26, 15, 45).getTime());
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
