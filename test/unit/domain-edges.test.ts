/** Edges of the small domain helpers the click path and the reports rely on. */
import { describe, expect, it } from 'vitest';
import { BusinessDayString, isTimeZone, parseBusinessDay, startOfBusinessDay, type BusinessDay } from '../../core/business-day.ts';
import { buildDestination, sanitizeToken } from '../../core/destination.ts';
import { MalformedVendorCodeError, ValidationError } from '../../core/errors.ts';
import { Vendor } from '../../core/vendor.ts';
import { describeUntrusted, parseVendorCode } from '../../core/vendor-code.ts';

describe('buildDestination, whole URLs', () => {
  const solare = Vendor.parse({ code: 'solare', name: 'Solare' });
  const base = { vendor: solare, defaultDestination: 'https://queenofsandiego.com/', placement: null, term: null, clickId: null };

  it('ga4 preset with every value: the exact URL, in a stable parameter order', () => {
    expect(buildDestination({ ...base, preset: 'ga4', placement: 'qr', term: 'sunset', clickId: '01M89F3BDQJTPWEVZD4P6K8KVC' })).toBe(
      'https://queenofsandiego.com/?utm_source=solare&utm_medium=referral&utm_campaign=vendor-referral&utm_content=qr&utm_term=sunset&ref_cid=01M89F3BDQJTPWEVZD4P6K8KVC',
    );
    expect(buildDestination({ ...base, preset: 'ga4' })).toBe('https://queenofsandiego.com/?utm_source=solare&utm_medium=referral&utm_campaign=vendor-referral');
  });

  it('a vendor override replaces one preset value and keeps the others, in either preset', () => {
    const vendor = Vendor.parse({ code: 'puesto', name: 'Puesto', utm: { utm_medium: 'partner' } });
    expect(buildDestination({ ...base, vendor, preset: 'ga4' })).toBe('https://queenofsandiego.com/?utm_source=puesto&utm_medium=partner&utm_campaign=vendor-referral');
    expect(buildDestination({ ...base, vendor, preset: 'seed' })).toBe('https://queenofsandiego.com/?utm_source=referral&utm_medium=partner');
  });

  it("a UTM value replaces one already on the vendor's destination instead of adding a second", () => {
    const vendor = Vendor.parse({ code: 'lola', name: 'Lola', destination: 'https://queenofsandiego.com/book?utm_source=old&boat=jada' });
    expect(buildDestination({ ...base, vendor, preset: 'ga4' })).toBe('https://queenofsandiego.com/book?utm_source=lola&boat=jada&utm_medium=referral&utm_campaign=vendor-referral');
  });
});

describe('sanitizeToken', () => {
  it('keeps letters, digits and . _ ~ -, lower-cased and trimmed, up to the given length', () => {
    expect(sanitizeToken('  Menu_v2.A~b-C  ')).toBe('menu_v2.a~b-c');
    expect(sanitizeToken('abcdef', 3)).toBe('abc');
    expect(sanitizeToken('x'.repeat(64))).toBe('x'.repeat(64));
    expect(sanitizeToken('x'.repeat(65))).toBe('x'.repeat(64));
    expect(sanitizeToken('')).toBeNull();
    expect(sanitizeToken('   ')).toBeNull();
  });
});

describe('business days', () => {
  it('knows which time zones exist', () => {
    expect(isTimeZone('America/Los_Angeles')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });

  it('says what a day looks like, quoting at most 20 characters of the input', () => {
    expect(() => parseBusinessDay('2026-02-30')).toThrow(new ValidationError('"2026-02-30" is not a day (expected YYYY-MM-DD)'));
    expect(() => parseBusinessDay(`2026-11-01${'x'.repeat(40)}`)).toThrow(`"2026-11-01${'x'.repeat(10)}" is not a day (expected YYYY-MM-DD)`);
    // date-fns alone would accept these; the pattern and the round trip refuse them.
    for (const raw of [' 2026-11-01', '2026-11-01 ', '+2026-11-01', '2026-11-01T00:00']) expect(() => parseBusinessDay(raw), raw).toThrow(ValidationError);
  });

  it('startOfBusinessDay is midnight in the zone given', () => {
    expect(startOfBusinessDay('2026-11-25' as BusinessDay, 'Asia/Tokyo').toISOString()).toBe('2026-11-24T15:00:00.000Z');
    expect(startOfBusinessDay('2026-11-25' as BusinessDay, 'UTC').toISOString()).toBe('2026-11-25T00:00:00.000Z');
  });

  it('BusinessDayString validates a day at the edge with a message saying the format', () => {
    expect(BusinessDayString.safeParse('2026-11-25').success).toBe(true);
    const bad = BusinessDayString.safeParse('2026-11-31');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe('must be a day as YYYY-MM-DD');
  });
});

describe('vendor codes from outside', () => {
  it('looks at 64 characters at most: padding around a code is fine up to that, then it is too long', () => {
    expect(parseVendorCode(`${' '.repeat(30)}solare${' '.repeat(28)}`)).toBe('solare');
    expect(() => parseVendorCode(`${' '.repeat(30)}solare${' '.repeat(29)}`)).toThrow(new MalformedVendorCodeError('vendor code is too long'));
    expect(() => parseVendorCode('sol are')).toThrow(new MalformedVendorCodeError('vendor code must match [a-z0-9][a-z0-9-]{0,31}'));
  });

  it('describeUntrusted caps at the given length and says how long the input was', () => {
    expect(describeUntrusted('x'.repeat(200))).toBe(`${'x'.repeat(64)}…(200 chars)`);
    expect(describeUntrusted('x'.repeat(64))).toBe('x'.repeat(64));
    expect(describeUntrusted('abcdef', 4)).toBe('abcd…(6 chars)');
    expect(describeUntrusted('~ok~')).toBe('~ok~');
    expect(describeUntrusted('\u00e9\u0000\u007f')).toBe('???');
  });
});
