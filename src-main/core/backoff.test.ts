import { idleCurveDelay } from '@shared/backoff-curve';
import { describe, expect, it } from 'vitest';
import { clampToResume, ErrorBackoff, fullJitter, IdleBackoff, idleJitter } from './backoff';
import { SourceError } from './errors';

const transient = new SourceError('transient', 'HTTP 503');
const tooMany = (retryAfterMs?: number) => new SourceError('rate_limited', 'HTTP 429', retryAfterMs);

describe('IdleBackoff', () => {
  it('starts at the base interval', () => {
    expect(new IdleBackoff(10_000, 120_000).currentMs).toBe(10_000);
  });

  it('grows ×1.5 per idle tick along the idle curve and stops at the cap', () => {
    const b = new IdleBackoff(10_000, 120_000);
    const seen = [b.currentMs];
    for (let i = 0; i < 8; i++) {
      b.bump();
      seen.push(b.currentMs);
    }
    expect(seen.map((ms) => ms / 1000)).toEqual([10, 15, 22.5, 33.75, 50.625, 75.9375, 113.90625, 120, 120]);
  });

  it('snaps back to the base on reset', () => {
    const b = new IdleBackoff(10_000, 120_000);
    b.bump();
    b.bump();
    b.reset();
    expect(b.currentMs).toBe(10_000);
  });

  it('is the curve the loop schedules with: step k waits idleCurveDelay(k), moved by the shared rules', () => {
    const b = new IdleBackoff(7_000, 90_000);
    for (let k = 0; k < 12; k++) {
      expect(b.currentMs).toBe(idleCurveDelay(7_000, 90_000, k));
      b.apply('bump');
    }
    b.apply('hold');
    expect(b.currentMs).toBe(90_000);
    b.apply('reset');
    expect(b.currentMs).toBe(7_000);
  });

  it('retune clamps the current step into the new range', () => {
    const b = new IdleBackoff(10_000, 120_000);
    for (let i = 0; i < 10; i++) b.bump();
    b.retune(5_000, 60_000);
    expect(b.currentMs).toBe(60_000);
    b.reset();
    expect(b.currentMs).toBe(5_000);
  });
});

describe('ErrorBackoff', () => {
  it('429 without Retry-After: min(max(2×prev, 30 s), 60 s)', () => {
    const b = new ErrorBackoff(10_000, false);
    expect(b.onError(tooMany()).delayMs).toBe(30_000);
    expect(b.onError(tooMany()).delayMs).toBe(60_000);
    expect(b.onError(tooMany()).delayMs).toBe(60_000);
  });

  it('429 without Retry-After, jittered: uniform in [30 s, value], never under the floor', () => {
    const low = new ErrorBackoff(10_000, true, () => 0);
    expect([1, 2, 3].map(() => low.onError(tooMany()).delayMs)).toEqual([30_000, 30_000, 30_000]);
    const mid = new ErrorBackoff(10_000, true, () => 0.5);
    expect([1, 2].map(() => mid.onError(tooMany()).delayMs)).toEqual([30_000, 45_000]);
  });

  it('429 with Retry-After waits exactly what the server said, without jitter', () => {
    const b = new ErrorBackoff(10_000, true, () => 0);
    expect(b.onError(tooMany(7_000))).toEqual({ delayMs: 7_000, serverAdvised: true });
    expect(b.onError(tooMany(90_000)).delayMs).toBe(90_000);
  });

  it('other errors double up to 60 s', () => {
    const b = new ErrorBackoff(10_000, false);
    expect([1, 2, 3, 4].map(() => b.onError(transient).delayMs)).toEqual([20_000, 40_000, 60_000, 60_000]);
  });

  it('a success resets it to the base', () => {
    const b = new ErrorBackoff(10_000, false);
    b.onError(transient);
    b.onError(transient);
    b.reset();
    expect(b.onError(transient).delayMs).toBe(20_000);
  });

  it('plain errors thrown by code (not SourceError) count as transient', () => {
    const b = new ErrorBackoff(10_000, false);
    expect(b.onError(new Error('boom')).delayMs).toBe(20_000);
  });

  it('full jitter draws uniformly below the un-jittered value', () => {
    const b = new ErrorBackoff(10_000, true, () => 0.5);
    expect(b.onError(transient).delayMs).toBe(10_000); // 0.5 × 20 s
    expect(b.currentMs).toBe(20_000); // the curve itself is not jittered
  });
});

describe('jitter', () => {
  it('full jitter never goes below min(base, 1 s)', () => {
    expect(fullJitter(60_000, () => 0, 10_000)).toBe(1_000);
    expect(fullJitter(60_000, () => 0, 200)).toBe(200);
    expect(fullJitter(60_000, () => 0.999, 10_000)).toBeCloseTo(59_940);
  });

  it('idle jitter spreads by at most ±10 %', () => {
    expect(idleJitter(100_000, () => 0)).toBe(90_000);
    expect(idleJitter(100_000, () => 0.5)).toBe(100_000);
    expect(idleJitter(100_000, () => 1)).toBeCloseTo(110_000, 6);
  });
});

describe('clampToResume', () => {
  const now = 1_000_000;
  it('keeps the idle delay when no session waits', () => {
    expect(clampToResume(120_000, null, now)).toEqual({ delayMs: 120_000, clamped: false });
  });
  it('picks the nearer rate-limit resume', () => {
    expect(clampToResume(120_000, now + 45_000, now)).toEqual({ delayMs: 45_000, clamped: true });
  });
  it('keeps the idle delay when the resume is further away', () => {
    expect(clampToResume(15_000, now + 45_000, now)).toEqual({ delayMs: 15_000, clamped: false });
  });
  it('never clamps below 1 s', () => {
    expect(clampToResume(120_000, now + 10, now)).toEqual({ delayMs: 1_000, clamped: true });
  });
});
