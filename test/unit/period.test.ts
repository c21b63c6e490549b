import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { customRangeProblem, formatChange, percentChange, periodFromParams, periodToParams, presetRange, resolvePeriod, spanDays } from '../../core/period.ts';

describe('periods', () => {
  const today = '2026-12-01';
  it('presets in business days, ending today', () => {
    expect(presetRange('today', today)).toEqual({ from: '2026-12-01', to: '2026-12-01' });
    expect(presetRange('yesterday', today)).toEqual({ from: '2026-11-30', to: '2026-11-30' });
    expect(presetRange('last-7', today)).toEqual({ from: '2026-11-25', to: '2026-12-01' });
    expect(presetRange('last-30', today)).toEqual({ from: '2026-11-02', to: '2026-12-01' });
    expect(presetRange('this-month', '2026-03-15')).toEqual({ from: '2026-03-01', to: '2026-03-15' });
    expect(presetRange('last-month', '2026-03-15')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(presetRange('last-month', '2026-01-05')).toEqual({ from: '2025-12-01', to: '2025-12-31' });
  });

  it('compares with the previous period of the same length; months with months', () => {
    expect(resolvePeriod({ preset: 'last-7' }, today).previous).toEqual({ from: '2026-11-18', to: '2026-11-24' });
    expect(resolvePeriod({ preset: 'yesterday' }, today).previous).toEqual({ from: '2026-11-29', to: '2026-11-29' });
    expect(resolvePeriod({ preset: 'last-month' }, today).previous).toEqual({ from: '2026-10-01', to: '2026-10-31' });
    expect(resolvePeriod({ preset: 'this-month' }, '2026-03-31').previous).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(resolvePeriod({ preset: 'this-month' }, '2026-03-10').previous).toEqual({ from: '2026-02-01', to: '2026-02-10' });
    expect(resolvePeriod({ preset: 'custom', from: '2026-11-10', to: '2026-11-19' }, today).previous).toEqual({ from: '2026-10-31', to: '2026-11-09' });
  });

  it('property: a non-month previous period has the same length and ends the day before', () => {
    const day = fc.date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 399 }), (from, extra) => {
        const to = new Date(Date.parse(`${from}T00:00:00Z`) + extra * 86_400_000).toISOString().slice(0, 10);
        const p = resolvePeriod({ preset: 'custom', from, to }, to);
        expect(spanDays(p.previous)).toBe(spanDays(p));
        expect(new Date(Date.parse(`${p.previous.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)).toBe(from);
      }),
    );
  });

  it('lives in the URL and comes back; bad parameters fall back', () => {
    for (const choice of [{ preset: 'last-month' as const }, { preset: 'custom' as const, from: '2026-11-01', to: '2026-11-15' }]) expect(periodFromParams(periodToParams(choice))).toEqual(choice);
    expect(periodFromParams(new URLSearchParams('period=forever'))).toEqual({ preset: 'last-30' });
    expect(periodFromParams(new URLSearchParams('from=2026-11-15&to=2026-11-01'))).toEqual({ preset: 'last-30' });
    expect(periodFromParams(new URLSearchParams('from=2026-02-30&to=2026-03-01'))).toEqual({ preset: 'last-30' });
    expect(customRangeProblem('2025-01-01', '2026-12-01')).toMatch(/at most 400 days/);
  });

  it('change in percent, "new" when there was nothing before', () => {
    expect(percentChange(150, 100)).toBe(50);
    expect(percentChange(1, 3)).toBe(-66.7);
    expect(percentChange(0, 0)).toBe(0);
    expect(percentChange(5, 0)).toBeNull();
    expect(formatChange(5, 0)).toBe('new');
    expect(formatChange(50, 100)).toBe('−50 %');
    expect(formatChange(3, 2)).toBe('+50 %');
  });
});
