import { tz } from '@date-fns/tz';
import { format } from 'date-fns';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessDay, daysBetween, parseBusinessDay, startOfBusinessDay, type BusinessDay } from '../../core/business-day.ts';
import { ValidationError } from '../../core/errors.ts';

const LA = 'America/Los_Angeles';

describe('businessDay in Los Angeles', () => {
  it.each([
    // PST (UTC-8): 23:59:59.999 local is 07:59:59.999Z the next UTC day
    ['2026-01-15T07:59:59.999Z', '2026-01-14'],
    ['2026-01-15T08:00:00.000Z', '2026-01-15'],
    // Spring forward, Sunday 2026-03-08: midnight is still PST (08:00Z); the next midnight is PDT (07:00Z)
    ['2026-03-08T07:59:59.999Z', '2026-03-07'],
    ['2026-03-08T08:00:00.000Z', '2026-03-08'],
    ['2026-03-09T06:59:59.999Z', '2026-03-08'],
    ['2026-03-09T07:00:00.000Z', '2026-03-09'],
    // Fall back, Sunday 2026-11-01: midnight is PDT (07:00Z); the day lasts 25 hours; next midnight is PST (08:00Z)
    ['2026-11-01T06:59:59.999Z', '2026-10-31'],
    ['2026-11-01T07:00:00.000Z', '2026-11-01'],
    ['2026-11-01T09:30:00.000Z', '2026-11-01'], // 01:30 local, the first of two
    ['2026-11-02T07:59:59.999Z', '2026-11-01'],
    ['2026-11-02T08:00:00.000Z', '2026-11-02'],
  ])('%s is %s', (instant, day) => {
    expect(businessDay(new Date(instant), LA)).toBe(day);
  });

  it('uses the zone it is given', () => {
    expect(businessDay(new Date('2026-11-25T23:30:00.000Z'), 'Europe/Berlin')).toBe('2026-11-26');
    expect(businessDay(new Date('2026-11-25T23:30:00.000Z'), 'UTC')).toBe('2026-11-25');
    expect(businessDay(new Date('2026-11-25T23:30:00.000Z'), LA)).toBe('2026-11-25');
  });

  it('agrees with date-fns formatting in the zone, for any instant and zone', () => {
    const zones = ['America/Los_Angeles', 'Pacific/Honolulu', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Kiritimati', 'America/St_Johns', 'Europe/London', 'UTC'];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) }), fc.constantFrom(...zones), (ms, zone) => {
        expect(businessDay(new Date(ms), zone)).toBe(format(new Date(ms), 'yyyy-MM-dd', { in: tz(zone) }));
      }),
      { numRuns: 2_000 },
    );
  });

  it('startOfBusinessDay knows the offset of each day', () => {
    expect(startOfBusinessDay('2026-03-08' as BusinessDay, LA).toISOString()).toBe('2026-03-08T08:00:00.000Z');
    expect(startOfBusinessDay('2026-03-09' as BusinessDay, LA).toISOString()).toBe('2026-03-09T07:00:00.000Z');
    expect(startOfBusinessDay('2026-11-02' as BusinessDay, LA).toISOString()).toBe('2026-11-02T08:00:00.000Z');
  });
});

describe('day parsing and ranges', () => {
  it('rejects things that are not days', () => {
    for (const raw of ['2026-02-30', '2026-13-01', '26-11-01', '2026-11-1', 'yesterday', '']) {
      expect(() => parseBusinessDay(raw), raw).toThrow(ValidationError);
    }
    expect(parseBusinessDay('2028-02-29')).toBe('2028-02-29');
  });

  it('daysBetween is inclusive and crosses DST and month ends', () => {
    expect(daysBetween('2026-10-30' as BusinessDay, '2026-11-02' as BusinessDay)).toEqual(['2026-10-30', '2026-10-31', '2026-11-01', '2026-11-02']);
    expect(daysBetween('2026-11-05' as BusinessDay, '2026-11-05' as BusinessDay)).toEqual(['2026-11-05']);
    expect(daysBetween('2026-11-05' as BusinessDay, '2026-11-04' as BusinessDay)).toEqual([]);
  });
});
