/**
 * The Settings form holds text (what people type); saving turns it into a
 * setSettings patch validated by the contract's own schemas, so the form can
 * never send what the core would refuse, and errors name the field.
 */

import { daemonTuningPatchSchema } from '@shared/contract';
import type { DaemonTuning } from '@shared/settings';
import type { z } from 'zod';

export type TuningField = 'pollIntervalMs' | 'maxIdleBackoffMs' | 'maxConcurrent';
export type TuningForm = Record<TuningField, string> & { name: string; jitter: boolean };
export type TuningPatch = z.output<typeof daemonTuningPatchSchema>;

export function tuningForm(t: DaemonTuning): TuningForm {
  return {
    name: t.name,
    pollIntervalMs: String(t.pollIntervalMs),
    maxIdleBackoffMs: String(t.maxIdleBackoffMs),
    maxConcurrent: String(t.maxConcurrent),
    jitter: t.jitter,
  };
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

/** Parses a whole number; anything else stays a string so that zod reports "expected number". */
function toNumber(text: string): number | string {
  const trimmed = text.trim();
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

export function validateTuning(form: TuningForm): Validated<TuningPatch> {
  const parsed = daemonTuningPatchSchema.safeParse({
    name: form.name,
    pollIntervalMs: toNumber(form.pollIntervalMs),
    maxIdleBackoffMs: toNumber(form.maxIdleBackoffMs),
    maxConcurrent: toNumber(form.maxConcurrent),
    jitter: form.jitter,
  });
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, errors: issuesByField(parsed.error.issues) };
}

/** First message per top-level key ("form" for issues that name none). */
export function issuesByField(issues: readonly z.core.$ZodIssue[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.length > 0 ? String(issue.path[0]) : 'form';
    errors[key] ??= issue.message;
  }
  return errors;
}
