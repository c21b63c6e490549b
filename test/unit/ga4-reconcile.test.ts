import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../core/finance/csv.ts';
import { attribute, parseGa4Csv } from '../../core/finance/ga4.ts';
import { ratioText, reconcile } from '../../core/finance/reconcile.ts';
import { ZERO_FIGURES } from '../../core/rollup.ts';

const file = [
  '# ----------------------------------------',
  '# Traffic acquisition: Session source / medium',
  '# Account: Queen of San Diego',
  '# Property: queenofsandiego.com',
  '# ----------------------------------------',
  '# ',
  '# Start date: 20261101',
  '# End date: 20261130',
  'Date,Session source,Session medium,Session campaign,Sessions',
  'Grand total,,,,"2,345"',
  '20261103,solare,referral,vendor-referral,4',
  '20261103,referral,puesto,(not set),"1,002"',
  '20261104,Solare,Referral,vendor-referral,x',
  '20261131,solare,referral,vendor-referral,1',
  '20261105,solare,referral',
  '',
  '# A second table GA4 adds for the chart',
  'Nth day,Sessions',
  '0001,5',
  '',
].join('\r\n');

describe('GA4 CSV export', () => {
  it('reads GA4 layout (comments, totals row, thousands separators, CRLF); reports bad rows by line', () => {
    const parsed = parseGa4Csv(file, 'ga4.csv');
    expect(parsed.rows.map((r) => [r.line, r.day, r.source, r.medium, r.campaign, r.sessions])).toEqual([
      [11, '2026-11-03', 'solare', 'referral', 'vendor-referral', 4],
      [12, '2026-11-03', 'referral', 'puesto', null, 1002],
    ]);
    expect(parsed.problems).toEqual([
      { file: 'ga4.csv', line: 13, message: 'sessions "x" is not a whole number' },
      { file: 'ga4.csv', line: 14, message: 'date "20261131" is not YYYYMMDD' },
      { file: 'ga4.csv', line: 15, message: 'expected 5 fields, found 3' },
    ]);
    expect(parsed.hasRefCid).toBe(false);
    expect(parsed.skippedTables).toEqual([18]);
  });

  it('a file with no usable table is one problem, not silence', () => {
    expect(parseGa4Csv('# nothing\nPage,Views\n/,3\n', 'x.csv').problems).toEqual([{ file: 'x.csv', line: 1, message: 'no table with Date, Session source, Session medium and Sessions columns' }]);
  });

  it('quoted CSV fields keep commas, quotes and newlines; lines are counted through them', () => {
    expect(parseCsv('a,"b,""c""\nd",e\nf\n').map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b,"c"\nd', 'e']],
      [3, ['f']],
    ]);
  });

  it('attributes the ga4 preset by source and the seed preset by medium', () => {
    const vendors = new Set(['solare', 'puesto']);
    expect(attribute({ source: 'solare', medium: 'referral' }, vendors)).toEqual({ vendor: 'solare', via: 'ga4-preset' });
    expect(attribute({ source: 'referral', medium: 'puesto' }, vendors)).toEqual({ vendor: 'puesto', via: 'seed-preset' });
    expect(attribute({ source: 'google', medium: 'organic' }, vendors)).toBeNull();
  });
});

describe('reconcile', () => {
  const figures = (qualifiedClicks: number, botClicks = 0, humanClicks = qualifiedClicks) => ({ ...ZERO_FIGURES, clicks: humanClicks + botClicks, botClicks, humanClicks, qualifiedClicks });
  const row = (day: string, source: string, sessions: number, refCid: string | null = null) => ({ line: 1, day: day as never, source, medium: 'referral', campaign: null, refCid, sessions });

  it('ratio by integer arithmetic, half up', () => {
    expect([ratioText(2, 3), ratioText(1, 8), ratioText(5, 2), ratioText(3, 0)]).toEqual(['0.67', '0.13', '2.50', null]);
  });

  it('flags each vendor-day with its likely reason and matches ref_cid to qualified click ids', () => {
    const r = reconcile({
      days: ['2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06'] as never,
      vendors: new Set(['solare']),
      clicks: {
        vendorDays: new Map([
          ['solare|2026-11-03', figures(10)],
          ['solare|2026-11-04', figures(10)],
          ['solare|2026-11-05', figures(2, 6, 5)],
        ]),
        qualifiedIds: new Map([['solare|2026-11-03', ['A', 'B']]]),
      },
      ga4: [row('2026-11-03', 'solare', 9, 'A'), row('2026-11-04', 'solare', 4), row('2026-11-05', 'solare', 9), row('2026-11-06', 'solare', 3), row('2026-11-06', 'google', 50), row('2026-12-01', 'solare', 1)],
      hasRefCid: true,
    });
    expect(r.rows.map((x) => [x.day, x.qualifiedClicks, x.ga4Sessions, x.ratio, x.matchedClickIds, x.flag])).toEqual([
      ['2026-11-03', 10, 9, '0.90', 1, 'ok'],
      ['2026-11-04', 10, 4, '0.40', 0, 'ga4-low'],
      ['2026-11-05', 2, 9, '4.50', 0, 'ga4-high'],
      ['2026-11-06', 0, 3, null, 0, 'ga4-only'],
    ]);
    expect(r.rows[2]!.reason).toContain('6 bot clicks, 3 staff or repeat clicks');
    expect(r.rows[1]!.reason).toContain('consent banners and ad blockers');
    expect([r.unattributedSessions, r.outsideRangeRows, r.unmatchedRefCids]).toEqual([50, 1, 0]);
  });
});
