import { describe, expect, it } from 'vitest';
import { countdownLabel, secondsUntil } from './countdown';
import { requestsLabel, savings, savingsLabel } from './savings';
import { validateTuning } from './settings-form';
import { slotBoxes } from './slots';
import { validateNewTask } from './task-form';

describe('countdown', () => {
  it('counts whole seconds up to the next tick and never goes negative', () => {
    expect(secondsUntil(10_000, 0)).toBe(10);
    expect(secondsUntil(10_000, 9_001)).toBe(1);
    expect(secondsUntil(10_000, 10_000)).toBe(0);
    expect(secondsUntil(10_000, 50_000)).toBe(0);
  });

  it('says paused, polling now or the seconds left', () => {
    expect(countdownLabel({ paused: true, nextTickAt: 5_000 }, 0)).toBe('paused — no polling');
    expect(countdownLabel({ paused: false, nextTickAt: null }, 0)).toBe('not scheduled');
    expect(countdownLabel({ paused: false, nextTickAt: 22_500 }, 0)).toBe('next poll in 23 s');
    expect(countdownLabel({ paused: false, nextTickAt: 22_500 }, 22_400)).toBe('next poll in 1 s');
    expect(countdownLabel({ paused: false, nextTickAt: 22_500 }, 23_000)).toBe('polling now');
  });
});

describe('requests and savings, true for the source', () => {
  const http = { sourceKind: 'http', pushHealthy: false, pollIntervalMs: 10_000 };

  it('adds what was saved to what was made to get the fixed poll', () => {
    // A day at a fixed 10 s poll is 8 640 requests; an idle daemon at the 120 s cap makes ~720.
    expect(savings(720, 7_920)).toEqual({ made: 720, fixed: 8_640, saved: 7_920, percent: 92 });
    expect(savingsLabel({ ...http, requestsToday: 720, savedToday: 7_920 })).toBe(
      '7,920 fewer than polling every 10 s (92%), by backing off while idle',
    );
    expect(savingsLabel({ ...http, pushHealthy: true, requestsToday: 10, savedToday: 90 })).toBe(
      '90 fewer than polling every 10 s (90%), thanks to push',
    );
  });

  it('never says "0 fewer (0%)": a fresh day, no saving yet, or a negative saving', () => {
    expect(savingsLabel({ ...http, requestsToday: 0, savedToday: 0 })).toBe('no requests yet today');
    expect(savingsLabel({ ...http, requestsToday: 5, savedToday: 0 })).toBe('none yet: polling every 10 s, the base interval');
    expect(savings(50, -10)).toEqual({ made: 50, fixed: 50, saved: 0, percent: 0 });
  });

  it('a local queue makes no network requests, and says so', () => {
    const local = { ...http, sourceKind: 'local', requestsToday: 40, savedToday: 100 };
    expect(requestsLabel(local)).toBe('no network requests (local queue)');
    expect(savingsLabel(local)).toBeNull();
  });
});

describe('slot boxes', () => {
  it('lists busy slots with their task, then rate-limited, then free up to maxConcurrent', () => {
    const boxes = slotBoxes({
      maxConcurrent: 4,
      slots: [
        { sessionId: 's1', taskId: 't1', taskTitle: 'Fix login', state: 'rate_limited', since: 0, resumeAfter: 99 },
        { sessionId: 's2', taskId: 't2', taskTitle: 'Write docs', state: 'busy', since: 0, resumeAfter: null },
      ],
    });
    expect(boxes).toEqual([
      { kind: 'busy', taskTitle: 'Write docs', taskId: 't2' },
      { kind: 'rate_limited', taskTitle: 'Fix login', taskId: 't1', resumeAfter: 99 },
      { kind: 'free' },
      { kind: 'free' },
    ]);
  });

  it('shows every session when there are more than slots (maxConcurrent was lowered)', () => {
    const slots = ['a', 'b', 'c'].map((id) => ({
      sessionId: id,
      taskId: id,
      taskTitle: id,
      state: 'busy' as const,
      since: 0,
      resumeAfter: null,
    }));
    expect(slotBoxes({ maxConcurrent: 1, slots }).map((b) => b.kind)).toEqual(['busy', 'busy', 'busy']);
  });
});

describe('settings validation', () => {
  const form = { name: 'local', pollIntervalMs: '10000', maxIdleBackoffMs: '120000', maxConcurrent: '2', jitter: true };

  it('turns valid text into a typed patch', () => {
    expect(validateTuning(form)).toEqual({
      ok: true,
      value: { name: 'local', pollIntervalMs: 10_000, maxIdleBackoffMs: 120_000, maxConcurrent: 2, jitter: true },
    });
  });

  it('names the field that is wrong, with the contract schema message', () => {
    const notNumber = validateTuning({ ...form, pollIntervalMs: 'soon' });
    expect(notNumber.ok).toBe(false);
    expect(Object.keys(!notNumber.ok ? notNumber.errors : {})).toEqual(['pollIntervalMs']);

    const tooMany = validateTuning({ ...form, maxConcurrent: '0' });
    expect(!tooMany.ok && tooMany.errors.maxConcurrent).toMatch(/>=\s*1|at least 1|too small/i);

    const capBelowBase = validateTuning({ ...form, maxIdleBackoffMs: '5000' });
    expect(!capBelowBase.ok && capBelowBase.errors).toEqual({ maxIdleBackoffMs: 'must be at least pollIntervalMs' });

    const fractional = validateTuning({ ...form, maxConcurrent: '1.5' });
    expect(!fractional.ok && Object.keys(fractional.errors)).toEqual(['maxConcurrent']);
  });
});

describe('new task validation', () => {
  it('requires a prompt and drops empty optional fields', () => {
    const empty = validateNewTask({ prompt: '', title: '', cwd: '', queue: '' });
    expect(!empty.ok && empty.errors).toEqual({ prompt: 'must not be empty' });
    expect(validateNewTask({ prompt: 'fix it', title: ' ', cwd: '', queue: '' })).toEqual({
      ok: true,
      value: { prompt: 'fix it' },
    });
    expect(validateNewTask({ prompt: 'fix it', title: 'Fix', cwd: '/tmp/repo', queue: 'board' })).toEqual({
      ok: true,
      value: { prompt: 'fix it', title: 'Fix', cwd: '/tmp/repo', queue: 'board' },
    });
  });
});
