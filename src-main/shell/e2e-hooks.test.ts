import { describe, expect, it } from 'vitest';
import { e2eHooksEnabled } from './e2e-hooks';

describe('e2eHooksEnabled', () => {
  it('only with NIGHTSHIFT_E2E=1 in an unpackaged app: a packaged build never exposes the tray', () => {
    expect(e2eHooksEnabled({ NIGHTSHIFT_E2E: '1' }, false)).toBe(true);
    expect(e2eHooksEnabled({ NIGHTSHIFT_E2E: '1' }, true)).toBe(false);
    expect(e2eHooksEnabled({}, false)).toBe(false);
    expect(e2eHooksEnabled({ NIGHTSHIFT_E2E: 'true' }, false)).toBe(false);
  });
});
