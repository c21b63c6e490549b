/**
 * The rollups as people and programs read them (core/rollup-report.ts, shared by `reftrack
 * rollups`, the analyst API and the vendor portal): the JSON report, the CSV and the file
 * names, compared whole against hand-written values.
 */
import { describe, expect, it } from 'vitest';
import type { BusinessDay } from '../../core/business-day.ts';
import { breakdownCsvFileName, breakdownReport, figuresJson, rollupCsvFileName, rollupCsvLines, rollupReport } from '../../core/rollup-report.ts';
import type { DailyRollup, RollupFigures, VendorTotals } from '../../core/rollup.ts';
import type { VendorCode } from '../../core/vendor-code.ts';

const solare = 'solare' as VendorCode;
const d = (s: string) => s as BusinessDay;
const figures = (over: Partial<RollupFigures>): RollupFigures => ({
  clicks: 0, botClicks: 0, humanClicks: 0, uniqueVisitors: 0, qualifiedClicks: 0, subresourceClicks: 0, internalClicks: 0, suspiciousClicks: 0, networkCapClicks: 0, repeatVisitorClicks: 0,
  bookings: 0, bookingValueCents: 0, firstClickAt: null, lastClickAt: null, ...over,
});
// Stored items carry more than their figures (keys, shard numbers); the report keeps only the figures.
const busy: DailyRollup = { scope: solare, day: d('2026-11-02'), ...figures({ clicks: 5, botClicks: 1, humanClicks: 4, uniqueVisitors: 3, qualifiedClicks: 2, subresourceClicks: 1, internalClicks: 1, repeatVisitorClicks: 1, bookings: 1, bookingValueCents: 12_500, firstClickAt: '2026-11-02T17:00:00.000Z', lastClickAt: '2026-11-02T21:30:00.000Z' }), ...({ pk: 'V#solare', shard: 2 } as object) };
const quiet: DailyRollup = { scope: solare, day: d('2026-11-03'), ...figures({}) };
const total: VendorTotals = { scope: solare, ...figures({ clicks: 5, botClicks: 1, humanClicks: 4, uniqueVisitors: 3, qualifiedClicks: 2, subresourceClicks: 1, internalClicks: 1, repeatVisitorClicks: 1, bookings: 1, bookingValueCents: 12_500, firstClickAt: '2026-11-02T17:00:00.000Z', lastClickAt: '2026-11-02T21:30:00.000Z' }) };

describe('rollupReport', () => {
  it('is the range, its zone, one entry per day and the total: figures only, in print order', () => {
    const report = rollupReport({ timeZone: 'America/Los_Angeles', scope: solare, from: d('2026-11-02'), to: d('2026-11-03'), days: [busy, quiet], total });
    expect(report).toEqual({
      timeZone: 'America/Los_Angeles',
      vendor: 'solare',
      from: '2026-11-02',
      to: '2026-11-03',
      days: [
        { day: '2026-11-02', clicks: 5, botClicks: 1, humanClicks: 4, uniqueVisitors: 3, qualifiedClicks: 2, subresourceClicks: 1, internalClicks: 1, suspiciousClicks: 0, networkCapClicks: 0, repeatVisitorClicks: 1, bookings: 1, bookingValueCents: 12_500, firstClickAt: '2026-11-02T17:00:00.000Z', lastClickAt: '2026-11-02T21:30:00.000Z' },
        { day: '2026-11-03', clicks: 0, botClicks: 0, humanClicks: 0, uniqueVisitors: 0, qualifiedClicks: 0, subresourceClicks: 0, internalClicks: 0, suspiciousClicks: 0, networkCapClicks: 0, repeatVisitorClicks: 0, bookings: 0, bookingValueCents: 0, firstClickAt: null, lastClickAt: null },
      ],
      total: { clicks: 5, botClicks: 1, humanClicks: 4, uniqueVisitors: 3, qualifiedClicks: 2, subresourceClicks: 1, internalClicks: 1, suspiciousClicks: 0, networkCapClicks: 0, repeatVisitorClicks: 1, bookings: 1, bookingValueCents: 12_500, firstClickAt: '2026-11-02T17:00:00.000Z', lastClickAt: '2026-11-02T21:30:00.000Z' },
    });
    // JSON keys in the one print order, the day first.
    expect(Object.keys(report.days[0]!)).toEqual(['day', 'clicks', 'botClicks', 'humanClicks', 'uniqueVisitors', 'qualifiedClicks', 'subresourceClicks', 'internalClicks', 'suspiciousClicks', 'networkCapClicks', 'repeatVisitorClicks', 'bookings', 'bookingValueCents', 'firstClickAt', 'lastClickAt']);
    expect(Object.keys(figuresJson(busy))).toEqual(['clicks', 'botClicks', 'humanClicks', 'uniqueVisitors', 'qualifiedClicks', 'subresourceClicks', 'internalClicks', 'suspiciousClicks', 'networkCapClicks', 'repeatVisitorClicks', 'bookings', 'bookingValueCents', 'firstClickAt', 'lastClickAt']);
  });
});

describe('rollupCsvLines', () => {
  it('a header, one row per day, a TOTAL row; empty cells where there was no click', () => {
    expect(rollupCsvLines(solare, [busy, quiet], total)).toEqual([
      'vendor,day,clicks,botClicks,humanClicks,uniqueVisitors,qualifiedClicks,subresourceClicks,internalClicks,suspiciousClicks,networkCapClicks,repeatVisitorClicks,bookings,bookingValueCents,firstClickAt,lastClickAt',
      'solare,2026-11-02,5,1,4,3,2,1,1,0,0,1,1,12500,2026-11-02T17:00:00.000Z,2026-11-02T21:30:00.000Z',
      'solare,2026-11-03,0,0,0,0,0,0,0,0,0,0,0,0,,',
      'solare,TOTAL,5,1,4,3,2,1,1,0,0,1,1,12500,2026-11-02T17:00:00.000Z,2026-11-02T21:30:00.000Z',
    ]);
    expect(rollupCsvLines('*', [], { scope: '*', ...figures({ bookings: -1, bookingValueCents: -900 }) })).toEqual([
      'vendor,day,clicks,botClicks,humanClicks,uniqueVisitors,qualifiedClicks,subresourceClicks,internalClicks,suspiciousClicks,networkCapClicks,repeatVisitorClicks,bookings,bookingValueCents,firstClickAt,lastClickAt',
      '*,TOTAL,0,0,0,0,0,0,0,0,0,0,-1,-900,,',
    ]);
  });
});

describe('file names', () => {
  it('say who, which days and which zone; characters a file name cannot hold become _', () => {
    expect(rollupCsvFileName(solare, d('2026-11-01'), d('2026-11-30'), 'America/Los_Angeles')).toBe('rollups-solare-2026-11-01-to-2026-11-30-America_Los_Angeles.csv');
    expect(rollupCsvFileName('*', d('2026-11-01'), d('2026-11-01'), 'Etc/GMT+8')).toBe('rollups-all-vendors-2026-11-01-to-2026-11-01-Etc_GMT+8.csv');
    expect(rollupCsvFileName(solare, d('2026-11-01'), d('2026-11-02'), 'A b/c:d*e.f-g_h')).toBe('rollups-solare-2026-11-01-to-2026-11-02-A_b_c_d_e_f-g_h.csv');
    expect(breakdownCsvFileName(solare, 'placement', d('2026-11-01'), d('2026-11-30'), 'UTC')).toBe('breakdown-placement-solare-2026-11-01-to-2026-11-30-UTC.csv');
    expect(breakdownCsvFileName('*', 'reason', d('2026-11-01'), d('2026-11-30'), 'Asia/Tokyo')).toBe('breakdown-reason-all-vendors-2026-11-01-to-2026-11-30-Asia_Tokyo.csv');
  });
});

describe('breakdownReport', () => {
  it('is the rows as given and their total', () => {
    const rows = [
      { value: 'qr', clicks: 7, qualifiedClicks: 3 },
      { value: 'email', clicks: 2, qualifiedClicks: 2 },
      { value: 'other', clicks: 1, qualifiedClicks: 0 },
    ];
    expect(breakdownReport({ timeZone: 'UTC', scope: solare, by: 'placement', from: d('2026-11-01'), to: d('2026-11-30'), rows })).toEqual({
      timeZone: 'UTC', vendor: 'solare', by: 'placement', from: '2026-11-01', to: '2026-11-30', rows, total: { clicks: 10, qualifiedClicks: 5 },
    });
    expect(breakdownReport({ timeZone: 'UTC', scope: '*', by: 'country', from: d('2026-11-01'), to: d('2026-11-01'), rows: [] })).toEqual({
      timeZone: 'UTC', vendor: '*', by: 'country', from: '2026-11-01', to: '2026-11-01', rows: [], total: { clicks: 0, qualifiedClicks: 0 },
    });
  });
});
