import { getCountries } from 'libphonenumber-js/min';
import { afterEach, describe, expect, it } from 'vitest';
import { PHONE_REGIONS, PhoneRegionSchema } from '../../../src/shared/regions';
import { CallingSettingsSchema, DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { makeTestCore } from '../../helpers/core';

// Issue 9: Settings accepted an unknown region (ZZ), and every later import failed. The settings schema
// (the one the Settings page validates each field with, and the core applies) knows the regions the
// number parser knows.

describe('the default phone region', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('is refused by the core when the number parser does not know it, naming the field', async () => {
    const t = await makeTestCore();
    cleanups.push(t.cleanup);
    const bad = await t.core.invoke('settings.update', {
      section: 'calling',
      values: { ...DEFAULT_SETTINGS.calling, defaultRegion: 'ZZ' },
    });
    expect(bad).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_request',
        issues: [
          { path: 'values.defaultRegion', message: 'Unknown country code ZZ: use one such as IN, US or GB' },
        ],
      },
    });
    const good = await t.core.invoke('settings.update', {
      section: 'calling',
      values: { ...DEFAULT_SETTINGS.calling, defaultRegion: 'GB' },
    });
    expect(good.ok).toBe(true);
  });

  it('is checked by the same schema in the page, field by field', () => {
    const r = CallingSettingsSchema.safeParse({ ...DEFAULT_SETTINGS.calling, defaultRegion: 'ZZ' });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['defaultRegion']);
    expect(PhoneRegionSchema.safeParse('in').success).toBe(false);
    expect(PhoneRegionSchema.safeParse('IN').success).toBe(true);
  });

  it('lists exactly the countries libphonenumber-js knows (the list is kept without the library)', () => {
    expect([...PHONE_REGIONS].sort()).toEqual([...getCountries()].sort());
  });
});
