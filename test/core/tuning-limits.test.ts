/**
 * One set of tuning limits for the config file and the contract: a daemon
 * configured at the largest values loads, and its Settings (as the view's form
 * sends them, through the contract's validation) save; a value above the
 * limit is refused when the config is loaded, naming the field and the limit.
 * Before the limits were shared, the config took any poll interval while
 * setSettings capped it at 1 h, so such a daemon could never save Settings.
 */
import { join } from 'node:path';
import { TUNING_LIMITS } from '@shared/tuning';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatchRequest } from '../../src-main/api/dispatch';
import { createHandlers } from '../../src-main/api/handlers';
import { parseConfig } from '../../src-main/core/config';
import { createSupervisor } from '../../src-main/core/create-supervisor';
import type { Supervisor } from '../../src-main/core/supervisor';
import { tuningForm, validateTuning } from '../../src-renderer/src/logic/settings-form';
import { tempDirsPerTest } from '../support/temp-dir';

const tempDir = tempDirsPerTest();
let sup: Supervisor | null = null;
afterEach(async () => {
  await sup?.stop();
  sup = null;
});

const daemon = (tuning: Record<string, unknown>) => ({
  name: 'slow',
  source: { kind: 'local', queue: 'default' },
  runtime: { kind: 'command', command: ['true'] },
  ...tuning,
});

const LARGEST = {
  pollIntervalMs: TUNING_LIMITS.pollIntervalMs.max,
  maxIdleBackoffMs: TUNING_LIMITS.maxIdleBackoffMs.max,
  maxConcurrent: TUNING_LIMITS.maxConcurrent.max,
};

describe('tuning limits shared by the config and the contract', () => {
  it('a daemon configured at the largest values loads, and the Settings view can save it', async () => {
    const { config } = parseConfig({ daemons: [daemon(LARGEST)] });
    sup = await createSupervisor({ dataDir: join(tempDir(), 'data'), config, startLoops: false });
    const settings = sup.settings().daemons[0]!;
    expect(settings).toMatchObject(LARGEST);

    // What the Settings form sends: every field of the daemon, validated by the contract's schema.
    const form = validateTuning(tuningForm(settings));
    expect(form).toMatchObject({ ok: true });
    const patch = form.ok ? form.value : null;
    const reply = await dispatchRequest(createHandlers(sup), 'setSettings', { daemons: [{ ...patch, jitter: false }] });
    expect(reply).not.toHaveProperty('error');
    expect(sup.settings().daemons[0]).toMatchObject({ ...LARGEST, jitter: false, overridden: ['jitter'] });
  });

  it.each([
    ['pollIntervalMs', TUNING_LIMITS.pollIntervalMs.max + 1, 'must be at most 3600000 ms (1 hour)'],
    ['maxIdleBackoffMs', TUNING_LIMITS.maxIdleBackoffMs.max + 1, 'must be at most 86400000 ms (1 day)'],
    ['maxConcurrent', TUNING_LIMITS.maxConcurrent.max + 1, 'must be at most 64'],
  ])('a config with %s above the limit (%d) is refused at load, naming the field', (field, value, message) => {
    // The cap must stay at least the base, so a too-large base comes with an equal cap.
    const tuning = field === 'pollIntervalMs' ? { pollIntervalMs: value, maxIdleBackoffMs: value } : { [field]: value };
    expect(() => parseConfig({ daemons: [daemon(tuning)] }, 'nightshift.json')).toThrow(`daemons[0].${field}: ${message}`);
    // The contract refuses the same value with the same words.
    return dispatchRequest({} as never, 'setSettings', { daemons: [{ name: 'slow', [field]: value }] }).then((reply) =>
      expect(reply).toMatchObject({ error: { code: 'bad_request', message: expect.stringContaining(message) } }),
    );
  });
});
