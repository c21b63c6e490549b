import { describe, expect, it } from 'vitest';
import { buildDestination, sanitizeToken } from '../../core/destination.ts';
import { Vendor } from '../../core/vendor.ts';

const solare = Vendor.parse({ code: 'solare', name: 'Solare' });
const base = { vendor: solare, defaultDestination: 'https://queenofsandiego.com/', placement: null, term: null, clickId: null };

describe('buildDestination', () => {
  it('ga4 preset files the session under Referral with the vendor as source', () => {
    const url = new URL(buildDestination({ ...base, preset: 'ga4', clickId: '01M89F3BDQJTPWEVZD4P6K8KVC' }));
    expect(url.origin + url.pathname).toBe('https://queenofsandiego.com/');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      utm_source: 'solare',
      utm_medium: 'referral',
      utm_campaign: 'vendor-referral',
      ref_cid: '01M89F3BDQJTPWEVZD4P6K8KVC',
    });
  });

  it('seed preset reproduces the original mapping exactly', () => {
    expect(buildDestination({ ...base, preset: 'seed' })).toBe('https://queenofsandiego.com/?utm_source=referral&utm_medium=solare');
  });

  it('passes utm_content and utm_term through', () => {
    const url = new URL(buildDestination({ ...base, preset: 'ga4', placement: 'qr', term: 'sunset-sail' }));
    expect(url.searchParams.get('utm_content')).toBe('qr');
    expect(url.searchParams.get('utm_term')).toBe('sunset-sail');
  });

  it("keeps the vendor destination's own query parameters and path", () => {
    const vendor = Vendor.parse({ code: 'puesto', name: 'Puesto', destination: 'https://queenofsandiego.com/book?boat=jada&lang=en' });
    const url = new URL(buildDestination({ ...base, vendor, preset: 'ga4' }));
    expect(url.pathname).toBe('/book');
    expect(url.searchParams.get('boat')).toBe('jada');
    expect(url.searchParams.get('lang')).toBe('en');
    expect(url.searchParams.get('utm_source')).toBe('puesto');
  });

  it('applies per-vendor UTM overrides and encodes them', () => {
    const vendor = Vendor.parse({ code: 'wholefoods', name: 'Whole Foods', utm: { utm_campaign: 'spring & summer' } });
    const location = buildDestination({ ...base, vendor, preset: 'ga4' });
    expect(location).toContain('utm_campaign=spring+%26+summer');
    expect(new URL(location).searchParams.get('utm_campaign')).toBe('spring & summer');
  });

  it('uses the configured default destination when the vendor has none', () => {
    expect(buildDestination({ ...base, defaultDestination: 'https://example.org/landing', preset: 'ga4' })).toMatch(/^https:\/\/example\.org\/landing\?/);
  });
});

describe('sanitizeToken', () => {
  it('keeps a short safe token and drops everything else', () => {
    expect(sanitizeToken(' QR ')).toBe('qr');
    expect(sanitizeToken('javascript:alert(1)')).toBe('javascriptalert1');
    expect(sanitizeToken('a\r\nb')).toBe('ab');
    expect(sanitizeToken('<>"')).toBeNull();
    expect(sanitizeToken(undefined)).toBeNull();
    expect(sanitizeToken('x'.repeat(500))).toHaveLength(64);
  });
});

describe('Vendor destination', () => {
  it('is refused, not thrown on, when it is not an https URL', () => {
    for (const destination of ['not a url', 'http://queenofsandiego.com/', 'javascript:alert(1)', '']) {
      const parsed = Vendor.safeParse({ code: 'solare', name: 'Solare', destination });
      expect(parsed.success, destination).toBe(false);
    }
    expect(Vendor.safeParse({ code: 'solare', name: 'Solare', destination: 'https://queenofsandiego.com/book' }).success).toBe(true);
  });
});
