/**
 * GA4 reconciliation: every flag at its boundary, every column of the CSV and every line of
 * the summary, against hand-computed values.
 */
import { describe, expect, it } from 'vitest';
import type { BusinessDay } from '../../../core/business-day.ts';
import type { Ga4Row } from '../../../core/finance/ga4.ts';
import { RECONCILE_COLUMNS, ratioText, reconcile, reconcileCsv, reconcileSummary, type ReconcileRow } from '../../../core/finance/reconcile.ts';
import { ZERO_FIGURES, type RollupFigures } from '../../../core/rollup.ts';

const D1 = '2026-11-03' as BusinessDay;
const D2 = '2026-11-04' as BusinessDay;
const figures = (qualifiedClicks: number, botClicks = 0, humanClicks = qualifiedClicks): RollupFigures => ({ ...ZERO_FIGURES, clicks: humanClicks + botClicks, botClicks, humanClicks, qualifiedClicks });
const ga4 = (day: string, source: string, sessions: number, extra: Partial<Ga4Row> = {}): Ga4Row => ({ line: 1, day: day as BusinessDay, source, medium: 'referral', campaign: null, refCid: null, sessions, ...extra });

/** One vendor-day: `qualified` clicks of ours against `sessions` in GA4; its flag. */
function flagOf(qualified: number, sessions: number): string {
  const r = reconcile({ days: [D1], vendors: new Set(['solare']), clicks: { vendorDays: new Map([[`solare|${D1}`, figures(qualified)]]) }, ga4: sessions ? [ga4(D1, 'solare', sessions)] : [], hasRefCid: false });
  return r.rows[0]!.flag;
}

describe('ratioText', () => {
  it('sessions per qualified click, two decimals, rounded half up by integers', () => {
    expect(ratioText(2, 3)).toBe('0.67');
    expect(ratioText(1, 3)).toBe('0.33');
    expect(ratioText(1, 8)).toBe('0.13'); // 0.125 rounds up
    expect(ratioText(1, 200)).toBe('0.01'); // 0.005 rounds up
    expect(ratioText(1, 201)).toBe('0.00');
    expect(ratioText(5, 2)).toBe('2.50');
    expect(ratioText(0, 4)).toBe('0.00');
    expect(ratioText(1234, 1)).toBe('1234.00');
    expect(ratioText(3, 0)).toBeNull();
  });
});

describe("GA4's tolerance", () => {
  it('±30 % is consistent, one session more is not (10 qualified clicks: 7 to 13 sessions are ok)', () => {
    expect([flagOf(10, 13), flagOf(10, 7)]).toEqual(['ok', 'ok']);
    expect([flagOf(10, 14), flagOf(10, 6)]).toEqual(['ga4-high', 'ga4-low']);
    expect([flagOf(100, 130), flagOf(100, 131), flagOf(100, 70), flagOf(100, 69)]).toEqual(['ok', 'ga4-high', 'ok', 'ga4-low']);
  });

  it('on small days ±2 sessions is consistent whatever the percentage', () => {
    expect([flagOf(3, 5), flagOf(3, 1), flagOf(1, 3)]).toEqual(['ok', 'ok', 'ok']);
    expect([flagOf(3, 6), flagOf(1, 4)]).toEqual(['ga4-high', 'ga4-high']);
    expect(flagOf(3, 0)).toBe('missing-in-ga4');
    expect(flagOf(10, 10)).toBe('ok');
  });
});

describe('reconcile', () => {
  it('one row per vendor-day with activity on either side, vendors sorted, each field filled', () => {
    const r = reconcile({
      days: [D1, D2],
      vendors: new Set(['solare', 'puesto', 'lola']),
      clicks: {
        vendorDays: new Map([
          [`solare|${D1}`, figures(10, 4, 13)],
          [`puesto|${D2}`, figures(2)],
          // Bots only: not a row unless GA4 saw it.
          [`lola|${D1}`, figures(0, 5, 0)],
        ]),
        qualifiedIds: new Map([[`solare|${D1}`, ['01A', '01B', '01C']]]),
      },
      ga4: [
        ga4(D1, 'solare', 6, { refCid: '01A' }),
        ga4(D1, 'solare', 3, { refCid: '01B' }),
        ga4(D1, 'solare', 1, { refCid: '01Z' }),
        ga4(D2, 'referral', 2, { medium: 'puesto' }),
        ga4(D2, 'lola', 1),
        ga4(D2, 'google', 40, { medium: 'organic' }),
        ga4(D2, 'bing', 2, { medium: 'organic' }),
        ga4('2026-11-05', 'solare', 7),
        ga4('2026-10-31', 'solare', 7),
      ],
      hasRefCid: true,
    });
    const expected: ReconcileRow[] = [
      {
        vendor: 'lola', day: D2, qualifiedClicks: 0, botClicks: 0, otherHumanClicks: 0, ga4Sessions: 1, seedPresetSessions: 0, ratio: null, matchedClickIds: 0, flag: 'ga4-only',
        reason: 'GA4 sessions without a qualified click: bots GA4 did not filter (0 bot clicks here), staff or repeat visits (0), or a copied or bookmarked tagged URL',
      },
      {
        vendor: 'puesto', day: D2, qualifiedClicks: 2, botClicks: 0, otherHumanClicks: 0, ga4Sessions: 2, seedPresetSessions: 2, ratio: '1.00', matchedClickIds: 0, flag: 'seed-preset-unassigned',
        reason: '2 GA4 sessions arrived as source=referral / medium=puesto (the seed UTM preset); GA4\'s default channel grouping files them under "Unassigned". Set UTM_PRESET=ga4',
      },
      {
        vendor: 'solare', day: D1, qualifiedClicks: 10, botClicks: 4, otherHumanClicks: 3, ga4Sessions: 10, seedPresetSessions: 0, ratio: '1.00', matchedClickIds: 2, flag: 'ok', reason: '',
      },
    ];
    expect(r).toEqual({ rows: expected, hasRefCid: true, unattributedSessions: 42, outsideRangeRows: 2, unmatchedRefCids: 1 });
  });

  it('the reasons of the other flags', () => {
    const r = reconcile({
      days: [D1, D2],
      vendors: new Set(['solare', 'puesto']),
      clicks: { vendorDays: new Map([[`solare|${D1}`, figures(10)], [`solare|${D2}`, figures(4, 6, 9)], [`puesto|${D1}`, figures(3)]]) },
      ga4: [ga4(D1, 'solare', 4), ga4(D2, 'solare', 12)],
      hasRefCid: false,
    });
    expect(r.rows.map((x) => [x.vendor, x.day, x.flag, x.reason, x.matchedClickIds])).toEqual([
      ['puesto', D1, 'missing-in-ga4', 'no GA4 session: guests declined the consent banner or block analytics (ad blockers), or the GA4 tag is missing on the landing page', null],
      ['solare', D1, 'ga4-low', 'fewer GA4 sessions than qualified clicks: consent banners and ad blockers keep guests out of GA4', null],
      ['solare', D2, 'ga4-high', "more GA4 sessions than qualified clicks: GA4 counts visits we do not pay (6 bot clicks, 5 staff or repeat clicks) and splits a guest's visit into several sessions", null],
    ]);
  });

  it('without click ids (read from rollups) nothing is matched, even when GA4 has ref_cid', () => {
    const r = reconcile({ days: [D1], vendors: new Set(['solare']), clicks: { vendorDays: new Map([[`solare|${D1}`, figures(2)]]) }, ga4: [ga4(D1, 'solare', 2, { refCid: '01A' })], hasRefCid: true });
    expect(r.rows[0]!.matchedClickIds).toBeNull();
    expect(r.unmatchedRefCids).toBe(1);
  });

  it('a vendor-day with click ids but none of them in GA4 matched 0, not null', () => {
    const r = reconcile({
      days: [D1, D2],
      vendors: new Set(['solare']),
      clicks: { vendorDays: new Map([[`solare|${D1}`, figures(1)], [`solare|${D2}`, figures(1)]]), qualifiedIds: new Map([[`solare|${D1}`, ['01A']]]) },
      ga4: [ga4(D1, 'solare', 1, { refCid: '01A' }), ga4(D2, 'solare', 1)],
      hasRefCid: true,
    });
    expect(r.rows.map((x) => x.matchedClickIds)).toEqual([1, 0]);
    expect(r.unmatchedRefCids).toBe(0);
  });
});

describe('reconcileCsv', () => {
  it('a header and one line per row, empty cells for no ratio and no match data, reasons quoted', () => {
    const r = reconcile({
      days: [D1, D2],
      vendors: new Set(['solare']),
      clicks: { vendorDays: new Map([[`solare|${D1}`, figures(10, 1, 12)]]) },
      ga4: [ga4(D1, 'solare', 20), ga4(D2, 'solare', 1)],
      hasRefCid: false,
    });
    expect(RECONCILE_COLUMNS).toHaveLength(11);
    expect(reconcileCsv(r)).toBe(
      [
        'vendor,day,qualified_clicks,ga4_sessions,ratio,matched_click_ids,bot_clicks,other_human_clicks,seed_preset_sessions,flag,likely_reason',
        `solare,2026-11-03,10,20,2.00,,1,2,0,ga4-high,"more GA4 sessions than qualified clicks: GA4 counts visits we do not pay (1 bot clicks, 2 staff or repeat clicks) and splits a guest's visit into several sessions"`,
        'solare,2026-11-04,0,1,,,0,0,0,ga4-only,"GA4 sessions without a qualified click: bots GA4 did not filter (0 bot clicks here), staff or repeat visits (0), or a copied or bookmarked tagged URL"',
        '',
      ].join('\n'),
    );
  });
});

describe('reconcileSummary', () => {
  const range = { from: '2026-11-01', to: '2026-11-30', timeZone: 'America/Los_Angeles', clicksFrom: 's3://exports/clicks/' };

  it('totals, ref_cid matching and every flagged vendor-day, aligned', () => {
    const r = reconcile({
      days: [D1, D2],
      vendors: new Set(['solare', 'puesto']),
      clicks: {
        vendorDays: new Map([[`solare|${D1}`, figures(10)], [`solare|${D2}`, figures(4)], [`puesto|${D1}`, figures(3)]]),
        qualifiedIds: new Map([[`solare|${D1}`, ['01A', '01B']]]),
      },
      ga4: [ga4(D1, 'solare', 10, { refCid: '01A' }), ga4(D2, 'solare', 1), ga4(D1, 'solare', 1, { refCid: '01Q' }), ga4(D1, 'google', 9), ga4('2026-12-01', 'solare', 1)],
      hasRefCid: true,
    });
    expect(reconcileSummary(r, range).split('\n')).toEqual([
      "GA4 reconciliation, 2026-11-01 to 2026-11-30 (our business days in America/Los_Angeles; GA4 dates are in the property's time zone)",
      'clicks from: s3://exports/clicks/',
      'qualified clicks 17, GA4 sessions 12, ratio 0.71',
      'matched by ref_cid: 1 of 17 qualified clicks; 1 ref_cid values are no qualified click',
      'GA4 sessions from other sources: 9; 1 GA4 rows outside the range ignored',
      '2 vendor-days flagged (missing-in-ga4: 1, ga4-low: 1):',
      '  puesto       2026-11-03  clicks     3  GA4     0  missing-in-ga4: no GA4 session: guests declined the consent banner or block analytics (ad blockers), or the GA4 tag is missing on the landing page',
      '  solare       2026-11-04  clicks     4  GA4     1  ga4-low: fewer GA4 sessions than qualified clicks: consent banners and ad blockers keep guests out of GA4',
    ]);
  });

  it('all within tolerance, no ref_cid column, nothing outside the range', () => {
    const r = reconcile({ days: [D1], vendors: new Set(['solare']), clicks: { vendorDays: new Map([[`solare|${D1}`, figures(10)]]) }, ga4: [ga4(D1, 'solare', 9)], hasRefCid: false });
    expect(reconcileSummary(r, range).split('\n')).toEqual([
      "GA4 reconciliation, 2026-11-01 to 2026-11-30 (our business days in America/Los_Angeles; GA4 dates are in the property's time zone)",
      'clicks from: s3://exports/clicks/',
      'qualified clicks 10, GA4 sessions 9, ratio 0.90',
      'no ref_cid column in the GA4 export: sessions compared by count only',
      'GA4 sessions from other sources: 0',
      'every vendor-day within tolerance',
    ]);
  });

  it('a ref_cid column but no clicks at all: no matching line, and no ratio', () => {
    const r = reconcile({ days: [D1], vendors: new Set(['solare']), clicks: { vendorDays: new Map(), qualifiedIds: new Map() }, ga4: [], hasRefCid: true });
    expect(reconcileSummary(r, range).split('\n')).toEqual([
      "GA4 reconciliation, 2026-11-01 to 2026-11-30 (our business days in America/Los_Angeles; GA4 dates are in the property's time zone)",
      'clicks from: s3://exports/clicks/',
      'qualified clicks 0, GA4 sessions 0, ratio -',
      'GA4 sessions from other sources: 0',
      'every vendor-day within tolerance',
    ]);
  });
});
