import { describe, expect, it } from 'vitest';
import type { BusinessDay } from '../../core/business-day.ts';
import { resolveDayRange } from '../../core/day-range.ts';
import { ValidationError } from '../../core/errors.ts';

const today = '2026-12-01' as BusinessDay;

describe('the one day-range rule (CLI, API, dashboard)', () => {
  it('no range = the last 30 business days ending today', () => {
    expect(resolveDayRange({}, today)).toEqual({ from: '2026-11-02', to: '2026-12-01' });
  });
  it('from alone = from that day to today (not one day)', () => {
    expect(resolveDayRange({ from: '2026-11-01' }, today)).toEqual({ from: '2026-11-01', to: '2026-12-01' });
    expect(resolveDayRange({ from: '2026-12-01' }, today)).toEqual({ from: '2026-12-01', to: '2026-12-01' });
  });
  it('to alone = the 30 days ending then; both = as given', () => {
    expect(resolveDayRange({ to: '2026-11-30' }, today)).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(resolveDayRange({ from: '2026-11-03', to: '2026-11-03' }, today)).toEqual({ from: '2026-11-03', to: '2026-11-03' });
    // A range into the future is allowed when asked for explicitly.
    expect(resolveDayRange({ from: '2026-12-01', to: '2026-12-31' }, today)).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  });
  it('names the flag that is wrong, in the caller\'s own spelling', () => {
    const cli = { from: '--from', to: '--to' };
    expect(() => resolveDayRange({ from: '2026-13-01' }, today, cli)).toThrow(/^--from: "2026-13-01" is not a day/);
    expect(() => resolveDayRange({ to: 'yesterday' }, today)).toThrow(/^to: /);
    expect(() => resolveDayRange({ from: '2026-11-05', to: '2026-11-01' }, today, cli)).toThrow(/--from: 2026-11-05 is after --to: 2026-11-01/);
    expect(() => resolveDayRange({ from: '2027-01-01' }, today, cli)).toThrow(/--from: 2027-01-01 is after today \(2026-12-01\)/);
    expect(() => resolveDayRange({ from: '2025-01-01', to: '2026-02-05' }, today)).toThrow(/spans 401 days; at most 400 days/);
    expect(() => resolveDayRange({ from: '2025-01-01' }, today)).toThrow(ValidationError);
  });
});
